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
    /// Messages both sides have.
    public var present: [Pair] = []
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
    /// Baseline entries to forget: re-claimed under a new key, or gone from both sides.
    public var baselineRemovals: [BaselineEntry] = []

    public var bytesToCopy: Int64 { toCopy.reduce(0) { $0 + $1.size } }

    /// - Parameters:
    ///   - copyFlags: `options.flags`; when false flags are neither copied nor compared.
    ///   - acceptsKeywords: whether the destination keeps keywords; otherwise they are not compared.
    public init(
        source: [MessageSummary], destination: [MessageSummary], options: MigrationOptions, acceptsKeywords: Bool
    ) {
        var pool = Self.pool(of: destination)
        var baseline = SyncBaseline([])
        self.init(
            source: source, folder: .inbox, target: .inbox, pool: &pool, baseline: &baseline, options: options,
            acceptsKeywords: acceptsKeywords)
    }

    /// Destination messages by identity, each list ordered so that `popLast()` yields the lowest UID.
    public static func pool(of destination: [MessageSummary]) -> [MessageIdentity: [MessageSummary]] {
        var pool: [MessageIdentity: [MessageSummary]] = [:]
        pool.reserveCapacity(destination.count)
        // A listing in ascending UID order is walked backwards rather than sorted into a copy.
        let ascending = zip(destination, destination.dropFirst()).allSatisfy { $0.uid < $1.uid }
        if ascending {
            for message in destination.reversed() { pool[message.identity, default: []].append(message) }
        } else {
            for message in destination.sorted(by: { $0.uid > $1.uid }) {
                pool[message.identity, default: []].append(message)
            }
        }
        return pool
    }

    /// Diffs source folder `folder` against destination folder `target`, three ways where the
    /// baseline knows a message: with a pool and a baseline shared by every source folder merged
    /// into `target`, so that one destination message is never counted for two sources.
    init(
        source: [MessageSummary], folder: MailboxPath, target: MailboxPath,
        pool: inout [MessageIdentity: [MessageSummary]], baseline: inout SyncBaseline, options: MigrationOptions,
        acceptsKeywords: Bool, destinationUIDsValid: Bool = false
    ) {
        // A listing comes sorted already: no copy of it then (200,000 summaries in a huge INBOX).
        let inUIDOrder = zip(source, source.dropFirst()).allSatisfy { $0.uid < $1.uid }
        let ordered = inUIDOrder ? source : source.sorted(by: { $0.uid < $1.uid })
        if pool.isEmpty, baseline.isEmpty, options.since == nil, options.maxMessageSize == nil,
            options.destinationProvider.messageSizeCap == nil
        {
            toCopy = ordered  // nothing to pair, skip or remember (a first run): the listing itself, not a copy
            return
        }
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
            if let match = Self.take(message.identity, preferring: known?.destinationUID, from: &pool) {
                present.append(Pair(source: message, destination: match))
                let sourceFlags = Self.storable(message.flags, acceptsKeywords: acceptsKeywords)
                let have = Self.storable(match.flags, acceptsKeywords: acceptsKeywords)
                var agreed = have
                if options.flags {
                    agreed = SyncBaseline.merged(source: sourceFlags, destination: have, baseline: known)
                    if agreed != have { flagUpdates.append((match.uid, agreed)) }
                }
                let entry = BaselineEntry(
                    sourceFolder: folder, sourceKey: message.sourceKey, identity: message.identity,
                    destinationFolder: target, destinationUID: match.uid, sourceFlags: sourceFlags,
                    destinationFlags: agreed)
                if let known, known.sourceFolder != folder || known.sourceKey != message.sourceKey {
                    baselineRemovals.append(known)
                }
                if entry != known { baselineUpdates.append(entry) }
            } else if let known, !options.restoreDeleted {
                keptDeleted.append(message)
                // Learn the identity of a message copied without one, so that it is still known
                // after the source renumbers its folder.
                if known.identity != message.identity, !message.identity.isUnread {
                    var learned = known
                    learned.identity = message.identity
                    baselineUpdates.append(learned)
                }
            } else {
                toCopy.append(message)
            }
        }
        // What left the source since the last sync: mirrored when asked, forgotten when gone from
        // the destination as well.
        for entry in baseline.unclaimed(in: folder) {
            let uid = destinationUIDsValid ? entry.destinationUID : nil
            if options.deletions == .mirror, let match = Self.take(entry, uid: uid, from: &pool) {
                toDelete.append(Deletion(destination: match, baseline: entry))
            } else if pool[entry.identity]?.isEmpty ?? true, !Self.listed(uid, in: pool) {
                baselineRemovals.append(entry)
            }
        }
    }

    /// The destination message of a baseline entry whose source message is gone: by identity, or,
    /// for a message copied without one, by its destination UID (while that folder's UIDVALIDITY is
    /// the one the UID was recorded under) and size.
    private static func take(
        _ entry: BaselineEntry, uid: UInt32?, from pool: inout [MessageIdentity: [MessageSummary]]
    ) -> MessageSummary? {
        guard entry.identity.isUnread else { return take(entry.identity, preferring: uid, from: &pool) }
        guard let uid, let size = entry.identity.size else { return nil }
        for (identity, list) in pool {
            if list.contains(where: { $0.uid == uid && $0.size == size }) {
                return take(identity, preferring: uid, from: &pool)
            }
        }
        return nil
    }

    /// The pool's message of `identity`, the one with UID `uid` when there is one.
    /// An identity whose last copy is taken leaves the pool, so that a fully paired pool is empty
    /// (and holds no keys for the rest of the user's folders).
    private static func take(
        _ identity: MessageIdentity, preferring uid: UInt32?, from pool: inout [MessageIdentity: [MessageSummary]]
    ) -> MessageSummary? {
        guard var matches = pool.removeValue(forKey: identity), !matches.isEmpty else { return nil }
        let index =
            uid.flatMap { uid in matches.firstIndex { $0.uid == uid } } ?? matches.index(before: matches.endIndex)
        let match = matches.remove(at: index)
        if !matches.isEmpty { pool[identity] = matches }
        return match
    }

    /// Whether a message with this UID is still unpaired in the pool (listed without an identity match).
    private static func listed(_ uid: UInt32?, in pool: [MessageIdentity: [MessageSummary]]) -> Bool {
        guard let uid else { return false }
        return pool.values.contains { list in list.contains { $0.uid == uid } }
    }

    static func storable(_ flags: MessageFlags, acceptsKeywords: Bool) -> MessageFlags {
        acceptsKeywords ? flags : flags.withoutKeywords
    }
}
