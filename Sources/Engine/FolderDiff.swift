import Ledger
import MailferryCore

/// The difference between one source folder and its destination folder, by message identity counted
/// as a multiset: each source message is paired with at most one destination message of equal identity.
public struct FolderDiff: Sendable {
    public struct Pair: Sendable, Hashable {
        public var source: MessageSummary
        public var destination: MessageSummary
    }

    public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
        case olderThanSince(CalendarDay)
        case largerThanMaximum(Int64)
        /// Larger than the destination provider's message size cap.
        case largerThanProviderCap(Int64, MailProvider)

        public var description: String {
            switch self {
            case .olderThanSince(let day): return "received before \(day) (options.since)"
            case .largerThanMaximum(let limit): return "larger than \(limit) bytes (options.max_message_size)"
            case .largerThanProviderCap(let limit, let provider):
                return "larger than \(provider.displayName)'s message size limit of \(limit / 1_048_576) MB "
                    + "(\(limit) bytes; destination provider \(provider.rawValue))"
            }
        }
    }

    /// A destination message that mirroring removes: its source message is gone since the last sync.
    public struct Deletion: Sendable, Hashable {
        public var destination: MessageSummary
        public var baseline: BaselineEntry
    }

    /// Source messages the destination lacks, in source UID order.
    public var toCopy: [MessageSummary] = []
    /// Messages both sides have, as pairs only where asked for (`keepsPairs`: `verify`, deliveries in
    /// doubt); `presentCount` counts them always. Not held by `plan` and `apply` otherwise: two summaries
    /// per message of a folder that is already there.
    public var present: [Pair] = []
    public var presentCount = 0
    /// Present messages whose destination flags differ from what the sync wants: the flags to set.
    public var flagUpdates: [(destinationUID: UInt32, flags: MessageFlags)] = []
    public var skipped: [(message: MessageSummary, reason: SkipReason)] = []
    /// Source messages on the destination at the last sync and gone from there since: the user
    /// deleted or moved them, so they are not copied again (unless `restoreDeleted`).
    public var keptDeleted: [MessageSummary] = []
    /// Destination messages to remove (`deletions: mirror`).
    public var toDelete: [Deletion] = []
    /// Baseline entries to write for the pairs whose record changed (new, new UID, new flags).
    public var baselineUpdates: [BaselineEntry] = []
    /// The baseline updates whose pairs need no flag change, taken out of `baselineUpdates`: true
    /// already, so `apply` writes them a window at a time instead of holding one per message of the
    /// folder (every message, on the run after a first copy or without a state directory). Those
    /// whose flags `execute` sets stay, to be written after the flags.
    mutating func takeSettledBaselineUpdates() -> [BaselineEntry] {
        guard !baselineUpdates.isEmpty else { return [] }
        let flagsToSet = Set(flagUpdates.map(\.destinationUID))
        var settled: [BaselineEntry] = []
        var waiting: [BaselineEntry] = []
        for entry in baselineUpdates {
            if let uid = entry.destinationUID, flagsToSet.contains(uid) {
                waiting.append(entry)
            } else {
                settled.append(entry)
            }
        }
        baselineUpdates = waiting
        return settled
    }

    /// Baseline entries to forget: re-claimed under a new key, or gone from both sides.
    public var baselineRemovals: [BaselineEntry] = []

    /// Source messages `add` could not place while the destination was still being listed
    /// (`defersUnmatched`): no destination message yet, or not yet the one their baseline entry
    /// names. Each keeps the entry it claimed; the next `add` places them again before its window.
    /// Admitted by the filters already.
    var deferred: [(message: MessageSummary, known: BaselineEntry?)] = []

    /// A first copy into an empty folder (nothing to pair, skip or remember): the source listing
    /// was only counted, window by window, and `toCopy` is empty; `FolderPass.execute` lists the
    /// source again a window at a time and copies each, so that a folder of any size is never held.
    public var copiedInWindows: (messages: Int, bytes: Int64)?

    public var messagesToCopy: Int { toCopy.count + (copiedInWindows?.messages ?? 0) }
    public var bytesToCopy: Int64 { toCopy.reduce(copiedInWindows?.bytes ?? 0) { $0 + $1.size } }

    /// A first copy of `messages` messages of `bytes` bytes, to be listed again and copied in windows.
    init(copyingInWindows messages: Int, bytes: Int64) {
        copiedInWindows = (messages, bytes)
    }

    /// - Parameters:
    ///   - copyFlags: `options.flags`; when false flags are neither copied nor compared.
    ///   - acceptsKeywords: whether the destination keeps keywords; otherwise they are not compared.
    public init(
        source: [MessageSummary], destination: [MessageSummary], options: MigrationOptions, acceptsKeywords: Bool
    ) {
        var pool = MessagePool(destination)
        var baseline = SyncBaseline([])
        self.init(
            source: source, folder: .inbox, target: .inbox, pool: &pool, baseline: &baseline, options: options,
            acceptsKeywords: acceptsKeywords, keepsPairs: true)
    }

    /// Diffs source folder `folder` against destination folder `target`, three ways where the
    /// baseline knows a message: with a pool and a baseline shared by every source folder merged
    /// into `target`, so that one destination message is never counted for two sources.
    init(
        source: [MessageSummary], folder: MailboxPath, target: MailboxPath,
        pool: inout MessagePool, baseline: inout SyncBaseline, options: MigrationOptions,
        acceptsKeywords: Bool, destinationUIDsValid: Bool = false, keepsPairs: Bool = true
    ) {
        add(
            source, folder: folder, target: target, pool: &pool, baseline: &baseline, options: options,
            acceptsKeywords: acceptsKeywords, destinationUIDsValid: destinationUIDsValid, keepsPairs: keepsPairs)
        finish(
            folder: folder, pool: &pool, baseline: &baseline, options: options,
            destinationUIDsValid: destinationUIDsValid)
    }

    /// An empty diff, to which a folder's listing is `add`ed a window at a time, then `finish`ed.
    init() {}

    /// Diffs one window of the source listing (windows in ascending UID order, or the whole listing).
    /// - Parameters:
    ///   - destinationUIDsValid: the destination folder keeps the UIDVALIDITY of its last complete
    ///     sync, so a baseline entry's destination UID still names its message.
    ///   - defersUnmatched: the pool holds the destination's listing only as far as it has been
    ///     listed (both sides listed a window at a time): a message whose destination message may
    ///     still come goes to `deferred`, not `toCopy` nor `keptDeleted`.
    mutating func add(
        _ source: [MessageSummary], folder: MailboxPath, target: MailboxPath, pool: inout MessagePool,
        baseline: inout SyncBaseline, options: MigrationOptions, acceptsKeywords: Bool,
        destinationUIDsValid: Bool = false, keepsPairs: Bool, defersUnmatched: Bool = false
    ) {
        // A listing comes sorted already: no copy of it then (200,000 summaries in a huge INBOX).
        let inUIDOrder = zip(source, source.dropFirst()).allSatisfy { $0.uid < $1.uid }
        let ordered = inUIDOrder ? source : source.sorted(by: { $0.uid < $1.uid })
        if pool.isEmpty, baseline.isEmpty, !defersUnmatched, deferred.isEmpty, options.since == nil,
            options.maxMessageSize == nil, options.destinationProvider.messageSizeCap == nil
        {
            // Nothing to pair, skip or remember (a first run): the listing itself, not a copy.
            if toCopy.isEmpty { toCopy = ordered } else { toCopy.append(contentsOf: ordered) }
            return
        }
        let placing = Placing(
            folder: folder, target: target, options: options, acceptsKeywords: acceptsKeywords,
            destinationUIDsValid: destinationUIDsValid, keepsPairs: keepsPairs, defersUnmatched: defersUnmatched)
        let waiting = deferred
        deferred = []
        for (message, known) in waiting { place(message, known: known, placing, pool: &pool) }
        for message in ordered {
            // Claimed before the filters: a message left out is still on the source, never "gone".
            let known = baseline.claim(message, in: folder)
            if let since = options.since, message.internalDate.secondsSince1970 < InternalDate.startOfDay(since) {
                skipped.append((message, .olderThanSince(since)))
                continue
            }
            if let limit = options.maxMessageSize, message.size > limit {
                skipped.append((message, .largerThanMaximum(limit)))
                continue
            }
            if let cap = options.destinationProvider.messageSizeCap, message.size > cap {
                skipped.append((message, .largerThanProviderCap(cap, options.destinationProvider)))
                continue
            }
            place(message, known: known, placing, pool: &pool)
        }
    }

    /// What `add` was asked, as `place` needs it.
    private struct Placing {
        var folder: MailboxPath
        var target: MailboxPath
        var options: MigrationOptions
        var acceptsKeywords: Bool
        var destinationUIDsValid: Bool
        var keepsPairs: Bool
        var defersUnmatched: Bool
    }

    /// One admitted source message with the baseline entry it claimed: present (with the flags to
    /// agree on), kept deleted, to copy, or deferred while its destination message may still come.
    private mutating func place(
        _ message: MessageSummary, known: BaselineEntry?, _ placing: Placing, pool: inout MessagePool
    ) {
        let options = placing.options
        let namedUID = placing.destinationUIDsValid ? known?.destinationUID : nil
        // The destination message its entry names is not listed yet: waited for, so that it is
        // paired with that one and not with another of the same identity.
        if placing.defersUnmatched, let namedUID, !pool.contains(uid: namedUID) {
            deferred.append((message, known))
            return
        }
        if let match = Self.take(message, known: known, uid: namedUID, from: &pool) {
            presentCount += 1
            if placing.keepsPairs { present.append(Pair(source: message, destination: match)) }
            let sourceFlags = Self.storable(message.flags, acceptsKeywords: placing.acceptsKeywords)
            let have = Self.storable(match.flags, acceptsKeywords: placing.acceptsKeywords)
            var agreed = have
            if options.flags {
                agreed = SyncBaseline.merged(source: sourceFlags, destination: have, baseline: known)
                if agreed != have { flagUpdates.append((match.uid, agreed)) }
            }
            let entry = BaselineEntry(
                sourceFolder: placing.folder, key: message.compactSourceKey, identity: message.identity,
                destinationFolder: placing.target, destinationUID: match.uid, sourceFlags: sourceFlags,
                destinationFlags: agreed)
            if let known, known.sourceFolder != placing.folder || known.key != message.compactSourceKey {
                baselineRemovals.append(known)
            }
            if entry != known { baselineUpdates.append(entry) }
        } else if placing.defersUnmatched {
            deferred.append((message, known))
        } else if let known, !options.restoreDeleted {
            keptDeleted.append(message)
            var updated = known
            // Learn the identity of a message copied without one, so that it is still known
            // after the source renumbers its folder.
            if known.identity != message.identity, !message.identity.isUnread {
                updated.identity = message.identity
            }
            // A UID recorded under the destination folder's earlier UIDVALIDITY names nothing
            // now, and a message delivered later may get it: forgotten, never trusted again.
            if !placing.destinationUIDsValid { updated.destinationUID = nil }
            if updated != known { baselineUpdates.append(updated) }
        } else {
            toCopy.append(message)
        }
    }

    /// After the last window: what left the source since the last sync, mirrored when asked,
    /// forgotten when gone from the destination as well.
    mutating func finish(
        folder: MailboxPath, pool: inout MessagePool, baseline: inout SyncBaseline, options: MigrationOptions,
        destinationUIDsValid: Bool
    ) {
        for entry in baseline.unclaimed(in: folder) {
            let uid = destinationUIDsValid ? entry.destinationUID : nil
            if options.deletions == .mirror, let match = Self.take(entry, uid: uid, from: &pool) {
                toDelete.append(Deletion(destination: match, baseline: entry))
            } else if !pool.contains(entry.identity), !(uid.map(pool.contains(uid:)) ?? false) {
                baselineRemovals.append(entry)
            } else if !destinationUIDsValid, entry.destinationUID != nil {
                var updated = entry
                updated.destinationUID = nil
                baselineUpdates.append(updated)
            }
        }
    }

    /// The destination message of source message `message`: by identity (the one at the UID its
    /// baseline entry names first), or, where the identities do not meet (a message copied without
    /// one, then listed with it), the message at that UID if it has the same size.
    private static func take(
        _ message: MessageSummary, known: BaselineEntry?, uid: UInt32?, from pool: inout MessagePool
    ) -> MessageSummary? {
        if !message.identity.isUnread, let match = pool.take(message.identity, preferring: known?.destinationUID) {
            return match
        }
        guard let uid else { return nil }
        return pool.take(uid: uid, size: message.size)
    }

    /// The destination message of a baseline entry whose source message is gone: by identity, or,
    /// for a message copied without one, by its destination UID (while that folder's UIDVALIDITY is
    /// the one the UID was recorded under) and size.
    private static func take(_ entry: BaselineEntry, uid: UInt32?, from pool: inout MessagePool) -> MessageSummary? {
        guard entry.identity.isUnread else { return pool.take(entry.identity, preferring: uid) }
        guard let uid, let size = entry.identity.size else { return nil }
        return pool.take(uid: uid, size: size)
    }

    static func storable(_ flags: MessageFlags, acceptsKeywords: Bool) -> MessageFlags {
        acceptsKeywords ? flags : flags.withoutKeywords
    }
}
