import Foundation
import Ledger
import MailferryCore

/// One folder's way through `plan` and `apply`. `prepare` reads both sides without changing
/// anything: the folders' states, the fast path (nothing changed since the last complete sync),
/// the listings and the diff against the destination's identity pool. `execute` carries out what
/// `prepare` found: copies, flag updates, the folder's sync record. `plan` runs `prepare` only and
/// `apply` runs both, so the plan shows what apply does by construction.
struct FolderPass: Sendable {
    /// Whose folders: the source user, and the destination mailbox the baseline belongs to.
    var pair: MailboxPair
    var sourceUser: String { pair.sourceUser }
    var options: MigrationOptions
    /// The state to take the fast path from; nil reads everything (no state, or `verify`).
    var ledger: Ledger?
    /// List every source message with what its identity needs, even where nothing can be paired
    /// (`verify` reports identities; `plan` and `apply` save the server that work on a new folder).
    var identifyAll = false
    /// About how many messages one window of a listing holds, where a folder is listed a window at a time.
    var listingWindow = 5_000
    /// `apply`: write the baseline entries of pairs that need no flag change as each window is diffed
    /// (`plan` and `verify` write nothing).
    var savesSettledPairs = false

    /// Per destination folder, shared by every source folder merged into it: its messages by
    /// identity (so that one destination message is never counted twice) and its sync baseline.
    struct Pools: Sendable {
        var messages: [MailboxPath: MessagePool] = [:]
        var baselines: [MailboxPath: SyncBaseline] = [:]
        /// Source folders still to come per destination folder: a baseline (one entry per message
        /// synced there) and the unpaired messages are let go after the last of them, not held for
        /// the rest of the user.
        private var pending: [MailboxPath: Int] = [:]
        /// Keep every destination folder's unpaired messages to the end (`verify` lists them as extra).
        private let keepsUnpaired: Bool

        init(mappings: [FolderMapping] = [], keepsUnpaired: Bool = false) {
            self.keepsUnpaired = keepsUnpaired
            for target in mappings.compactMap(\.destination) { pending[target, default: 0] += 1 }
        }

        /// Whether `target`'s unpaired messages are let go after the source folder being diffed:
        /// it is the last merged there, and they are not kept for `verify`.
        func letsGoAfterThis(_ target: MailboxPath) -> Bool {
            !keepsUnpaired && pending[target, default: 0] <= 1
        }

        mutating func finished(_ target: MailboxPath) {
            pending[target, default: 0] -= 1
            guard pending[target, default: 0] <= 0 else { return }
            baselines[target] = nil
            guard keepsUnpaired else {
                messages[target] = nil
                return
            }
            // Only the unpaired are kept to the end, not the folder's whole listing.
            if let pool = messages.removeValue(forKey: target) { messages[target] = MessagePool(pool.unpaired) }
        }
    }

    /// The mass-delete guard: a run never removes more than half of a folder's messages (beyond
    /// `massDeleteAllowance`), nor anything from a folder the source now shows empty, unless
    /// `allowMassDelete` (a source that shows an empty folder for a moment must not empty the destination).
    static let massDeleteAllowance = 10

    /// What `verify` does with a folder's diff while it is made: after each window, and once more when
    /// the folder is diffed, it takes out what is settled (pairs with their flag updates, messages
    /// missing, kept deleted or skipped), so that a folder's pairs are never held all at once.
    typealias Drain = (FolderMapping, inout FolderDiff) async throws -> Void

    /// - Parameters:
    ///   - destinationExists: whether the destination folder exists (apply creates it before).
    ///   - inDoubt: the folder has deliveries in doubt: never the fast path.
    ///   - drain: `verify`'s (see `Drain`); with it the destination is listed a window at a time, as
    ///     for `apply`, and to its end, for the messages no source message pairs with.
    func prepare(
        _ mapping: FolderMapping, destinationExists: Bool, source: any SourceStore, destination: any DestinationStore,
        pools: inout Pools, inDoubt: Bool = false, drain: Drain? = nil
    ) async throws -> FolderWork {
        let folder = mapping.source.path
        guard let target = mapping.destination else {
            return FolderWork(mapping: mapping, destinationExists: false, diff: nil, sourceState: nil)
        }
        let (sourceState, destinationState) = try await Self.both(
            { try await source.state(of: folder) },
            { destinationExists ? try await destination.state(of: target) : nil })

        // Fast path: neither side changed since the last complete sync of this folder. Without CONDSTORE
        // a flag change leaves the state equal, so flags are then always compared.
        // A selection (Gmail's All Mail) depends on other folders too, and `verify` (identifyAll)
        // lists everything: it checks, it does not trust the last sync. Neither takes the fast path.
        let fastPathAllowed =
            (sourceState.highestModSeq != nil || !options.flags) && !inDoubt && !identifyAll
            && mapping.selection == .all
        if fastPathAllowed, pools.messages[target] == nil, let ledger {
            let local = try? ledger.folderRecord(sourceUser: sourceUser, sourceFolder: folder)
            if let record = local, record.destinationFolder == target, record.source == sourceState,
                record.destination == destinationState
            {
                return FolderWork(
                    mapping: mapping, destinationExists: destinationExists, diff: nil, sourceState: sourceState,
                    destinationState: destinationState, unchangedSince: record)
            }
            // Without a local record (the state lost, or never this folder's), the copy the destination
            // keeps may show the folder unchanged all the same.
            if local == nil, let destinationState,
                var record = await recordOnDestination(mapping, source: source, destination: destination),
                DestinationSyncRecord.stillDescribes(record, source: sourceState, destination: destinationState)
            {
                record.destination = destinationState
                var work = FolderWork(
                    mapping: mapping, destinationExists: destinationExists, diff: nil, sourceState: sourceState,
                    destinationState: destinationState, unchangedSince: record)
                work.recordedOnDestination = true
                return work
            }
        }

        // Taken out of the dictionary while it changes, so that it is not copied (a whole mailbox's
        // summaries when there is no state directory).
        let knownPool = pools.messages.removeValue(forKey: target)
        var baseline = try pools.baselines.removeValue(forKey: target) ?? loadBaseline(of: target)
        let listSource = sourceState.messageCount > 0
        // Nothing on the destination to pair with (an empty or new folder, or every message already
        // paired): the source is listed without what identities need, and nothing is compared, unless
        // the baseline matches messages by identity.
        let nothingToPair = knownPool?.isEmpty ?? ((destinationState?.messageCount ?? 0) == 0)
        // A date filter needs dates, which a POP3 source reads from the headers (IMAP lists them).
        let datesNeedHeaders = options.since != nil && source.datesNeedHeaders(in: folder)
        let identified = identifyAll || !nothingToPair || !baseline.isEmpty || datesNeedHeaders
        // The baseline's destination UIDs still name the same messages while the destination
        // folder keeps the UIDVALIDITY of its last complete sync.
        let record = try ledger?.folderRecord(sourceUser: sourceUser, sourceFolder: folder)
        let uidsValid =
            destination.uidsPersist && record != nil && record?.destinationFolder == target
            && record?.destination.uidValidity == destinationState?.uidValidity
        // A re-run with a state: the messages it knows keep the identities it holds for them (by
        // source key and by destination UID), so both sides are listed without header fields and
        // only the others' headers are read. `verify`, deliveries in doubt and selections read all.
        let identitiesKnown =
            !baseline.isEmpty && !identifyAll && !inDoubt && mapping.selection == .all
            && !datesNeedHeaders
        // A first copy into an empty folder, with nothing to skip or select. A folder larger than one
        // window is only counted here, a window at a time, and `execute` lists and copies it again
        // window by window, so that no listing of the whole folder is held.
        if listSource, !identified, !inDoubt, mapping.selection == .all, options.since == nil,
            options.maxMessageSize == nil, options.destinationProvider.messageSizeCap == nil
        {
            let diff: FolderDiff
            do {
                diff = try await countInWindows(folder, source: source)
            } catch {
                pools.messages[target] = knownPool
                pools.baselines[target] = baseline
                throw error
            }
            pools.messages[target] = knownPool ?? MessagePool()
            pools.baselines[target] = baseline
            pools.finished(target)
            return FolderWork(
                mapping: mapping, destinationExists: destinationExists, diff: diff, sourceState: sourceState,
                destinationState: destinationState)
        }
        // Both sides are listed a window at a time, side by side: a source message is paired with what
        // the destination's windows so far hold, and one that may be paired further on waits for the
        // next, until the destination is listed to its end. A folder held in the source's order (as a
        // copy leaves it) then costs a window or two of either side, not the folder. Deliveries in
        // doubt (and `verify` without a drain) list the destination whole, and a folder merged into
        // one listed before pairs with what that one left.
        let destinationInWindows = knownPool == nil && !nothingToPair && (!identifyAll || drain != nil) && !inDoubt
        let sourceIdentified = identified && !identitiesKnown
        // The destination's messages that the state names take its identities, while its UIDs hold.
        let stateIdentities =
            destinationInWindows && identitiesKnown && uidsValid ? baseline.identitiesByDestinationUID() : nil
        let listDestination:
            @Sendable (ListingWindow) async throws -> (messages: [MessageSummary], next: ListingWindow?) =
                { window in
                    try await Self.destinationWindow(
                        target, window: window, destination: destination, stateIdentities: stateIdentities)
                }
        let firstWindow: (messages: [MessageSummary], next: ListingWindow?)
        let listedPool: (pool: MessagePool, next: ListingWindow?)?
        let window = ListingWindow(size: listingWindow)
        do {
            // The destination's listing becomes its pool at once, so that both are never held together.
            (firstWindow, listedPool) = try await Self.both(
                {
                    listSource
                        ? try await source.summaries(in: folder, identified: sourceIdentified, window: window)
                        : ([], nil)
                },
                {
                    guard knownPool == nil, !nothingToPair else { return nil }
                    guard destinationInWindows else {
                        return (MessagePool(try await destination.summaries(in: target)), nil)
                    }
                    let part = try await listDestination(window)
                    return (MessagePool(part.messages), part.next)
                })
        } catch {
            pools.messages[target] = knownPool
            pools.baselines[target] = baseline
            throw error
        }
        var pool = knownPool ?? listedPool?.pool ?? MessagePool()
        var destinationNext = listedPool?.next
        // The source is diffed a window at a time, each window let go before the next is listed.
        var diff = FolderDiff()
        var sourceCount = 0
        var part = firstWindow
        do {
            while true {
                if identitiesKnown {
                    part.messages = try await Self.identifiedByState(
                        part.messages, in: folder, source: source, baseline: baseline)
                }
                let messages = mapping.selection.admitted(part.messages)
                sourceCount += messages.count
                diff.add(
                    messages, folder: folder, target: target, pool: &pool, baseline: &baseline, options: options,
                    acceptsKeywords: destination.acceptsKeywords, destinationUIDsValid: uidsValid,
                    keepsPairs: identifyAll || inDoubt, defersUnmatched: destinationNext != nil)
                if savesSettledPairs, !inDoubt, let ledger {
                    try ledger.saveBaseline(diff.takeSettledBaselineUpdates(), for: pair)
                }
                if let drain { try await drain(mapping, &diff) }
                // Without a baseline the rest of the destination is not needed once every source message
                // is paired and nothing is kept of it after this folder (with one, `finish` looks for the
                // messages of the entries no source message claimed).
                if part.next == nil, diff.deferred.isEmpty, baseline.isEmpty, pools.letsGoAfterThis(target) {
                    destinationNext = nil
                }
                guard part.next != nil || destinationNext != nil else { break }
                // A source far ahead of the destination (one that keeps its messages in another
                // order) waits for it, so that no more than two windows of source messages wait.
                let sourceWaits = destinationNext != nil && diff.deferred.count >= 2 * listingWindow
                let (sourceWindow, destinationWindow) = (sourceWaits ? nil : part.next, destinationNext)
                let waitingWindow = sourceWaits ? part.next : nil
                part = ([], nil)
                let listedDestination: (messages: [MessageSummary], next: ListingWindow?)
                (part, listedDestination) = try await Self.both(
                    {
                        guard let sourceWindow else { return ([], waitingWindow) }
                        return try await source.summaries(
                            in: folder, identified: sourceIdentified, window: sourceWindow)
                    },
                    {
                        guard let destinationWindow else { return ([], nil) }
                        return try await listDestination(destinationWindow)
                    })
                pool.append(listedDestination.messages)
                destinationNext = listedDestination.next
            }
        } catch {
            // What was paired so far stays paired: a later source folder merged here must not pair with
            // it. A destination listed only in part is not kept: that folder lists it again.
            pools.messages[target] = destinationNext == nil ? pool : nil
            pools.baselines[target] = baseline
            throw error
        }
        diff.finish(
            folder: folder, pool: &pool, baseline: &baseline, options: options, destinationUIDsValid: uidsValid)
        pools.messages[target] = pool
        pools.baselines[target] = baseline
        pools.finished(target)
        if let drain { try await drain(mapping, &diff) }
        return FolderWork(
            mapping: mapping, destinationExists: destinationExists, diff: diff, sourceState: sourceState,
            destinationState: destinationState,
            deletionsRefused: !options.allowMassDelete
                && Self.massDelete(diff.toDelete.count, sourceCount: sourceCount, destinationState: destinationState)
        )
    }

    /// Source messages listed without identities, with the identities the state holds for their
    /// source keys, and the others' read from the source.
    private static func identifiedByState(
        _ messages: [MessageSummary], in folder: MailboxPath, source: any SourceStore, baseline: SyncBaseline
    ) async throws -> [MessageSummary] {
        var messages = messages
        for index in messages.indices where messages[index].identity.isUnread {
            if let identity = baseline.identity(ofSourceKey: messages[index].compactSourceKey, in: folder) {
                messages[index].identity = identity
            }
        }
        return try await source.identified(messages, in: folder)
    }

    /// One window of the destination folder's listing. With `stateIdentities` it is listed without
    /// identities, the messages the state names take the identities it holds for their UIDs, and
    /// only the others' are read (messages the user delivered or moved there).
    private static func destinationWindow(
        _ target: MailboxPath, window: ListingWindow, destination: any DestinationStore,
        stateIdentities: SyncBaseline.IdentitiesByUID?
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        guard let stateIdentities else {
            return try await destination.summaries(in: target, identified: true, window: window)
        }
        var part = try await destination.summaries(in: target, identified: false, window: window)
        for index in part.messages.indices where part.messages[index].identity.isUnread {
            if let identity = stateIdentities[part.messages[index].uid], identity.size == part.messages[index].size {
                part.messages[index].identity = identity
            }
        }
        part.messages = try await destination.identified(part.messages, in: target)
        return part
    }

    /// A first copy's diff: the listing itself when it fits in one window (a store that lists only
    /// whole folders always does), otherwise how many messages and bytes its windows hold.
    private func countInWindows(_ folder: MailboxPath, source: any SourceStore) async throws -> FolderDiff {
        let first = try await source.summaries(
            in: folder, identified: false, window: ListingWindow(size: listingWindow))
        guard var window = first.next else {
            var diff = FolderDiff()
            diff.toCopy = first.messages
            return diff
        }
        var messages = first.messages.count
        var bytes = first.messages.reduce(0) { $0 + $1.size }
        while true {
            let listed = try await source.summaries(in: folder, identified: false, window: window)
            messages += listed.messages.count
            bytes = listed.messages.reduce(bytes) { $0 + $1.size }
            guard let next = listed.next else { break }
            window = next
        }
        return FolderDiff(copyingInWindows: messages, bytes: bytes)
    }

    /// A first copy: the source listed again a window at a time, each window copied before the next
    /// is listed. Returns how many messages were listed and how many of them failed.
    private func copyInWindows(
        _ folder: MailboxPath, to target: MailboxPath, source: any SourceStore, destination: any DestinationStore,
        context: UserRunContext, flags: @escaping @Sendable (MessageFlags) -> MessageFlags
    ) async throws -> (listed: Int, failed: Int) {
        var listed = 0
        var failed = 0
        var window: ListingWindow? = ListingWindow(size: listingWindow)
        while let current = window {
            let part = try await source.summaries(in: folder, identified: false, window: current)
            listed += part.messages.count
            failed += try await MessageCopier(context: context).copy(
                part.messages, from: folder, to: target, source: source, destination: destination, flags: flags)
            window = part.next
        }
        return (listed, failed)
    }

    /// The sync record the destination keeps for this folder pair (`DestinationSyncRecord`), if any.
    /// A record that cannot be read is no record: the folder is then read as without a state.
    private func recordOnDestination(
        _ mapping: FolderMapping, source: any SourceStore, destination: any DestinationStore
    ) async -> FolderRecord? {
        guard let target = mapping.destination else { return nil }
        let name = DestinationSyncRecord.name(
            source: source.endpoints, sourceUser: sourceUser, sourceFolder: mapping.source.path)
        guard let bytes = try? await destination.annotation(name, of: target) else { return nil }
        return DestinationSyncRecord.decode(
            bytes, sourceUser: sourceUser, sourceFolder: mapping.source.path, destinationFolder: target)
    }

    /// Keeps `record` with the destination folder too, where a later run can take its fast path from it
    /// (only a folder a later run may skip: the source has CONDSTORE or flags are not copied, and
    /// nothing is selected). Returns whether the store kept it: its folder's state then changed.
    ///
    /// A pass that changed nothing on the destination first reads the record there and leaves one that
    /// still holds: each write raises the folder's HIGHESTMODSEQ, so two source folders merged into
    /// one would otherwise make each other's state record stale on every run.
    private func keepOnDestination(
        _ record: FolderRecord, mapping: FolderMapping, untouched: Bool, source: any SourceStore,
        destination: any DestinationStore, context: UserRunContext
    ) async -> Bool {
        guard record.source.highestModSeq != nil || !options.flags, mapping.selection == .all else { return false }
        if untouched, let kept = await recordOnDestination(mapping, source: source, destination: destination),
            DestinationSyncRecord.stillDescribes(kept, source: record.source, destination: record.destination),
            kept.messagesPresent == record.messagesPresent, kept.messagesKeptDeleted == record.messagesKeptDeleted,
            kept.messagesSkipped == record.messagesSkipped
        {
            return false
        }
        let name = DestinationSyncRecord.name(
            source: source.endpoints, sourceUser: sourceUser, sourceFolder: mapping.source.path)
        do {
            return try await destination.setAnnotation(
                name, to: DestinationSyncRecord.encode(record), of: record.destinationFolder)
        } catch {
            let reason = (error as? StoreError)?.userMessage ?? "\(error)"
            context.write(
                "folder \(record.destinationFolder): its sync record was not kept on the destination (\(reason)); "
                    + "a run without the state reads this folder whole")
            return false
        }
    }

    /// This user's baseline for one destination folder; empty without a state.
    private func loadBaseline(of target: MailboxPath) throws -> SyncBaseline {
        guard let ledger else { return SyncBaseline([]) }
        var store = BaselineStore()
        try ledger.forEachBaselineEntry(pair, destinationFolder: target) { count, identityBytes in
            store.reserveCapacity(count, identityBytes: identityBytes)
        } body: {
            store.append($0)
        }
        return SyncBaseline(store)
    }

    /// Whether removing `count` messages trips the mass-delete guard.
    static func massDelete(_ count: Int, sourceCount: Int, destinationState: FolderState?) -> Bool {
        guard count > 0 else { return false }
        if sourceCount == 0 { return true }
        let folderSize = destinationState?.messageCount ?? count
        return count > massDeleteAllowance && count * 2 > folderSize
    }

    /// Copies what `work` found missing, sets the flags it found different and records the folder
    /// when it completed. Returns how many messages failed for good.
    func execute(
        _ work: FolderWork, source: any SourceStore, destination: any DestinationStore, context: UserRunContext
    ) async throws -> Int {
        let folder = work.mapping.source.path
        guard let target = work.mapping.destination, let sourceState = work.sourceState else { return 0 }
        guard let diff = work.diff else {
            if work.recordedOnDestination, let record = work.unchangedSince {
                try context.ledger.saveFolderRecord(record)
            }
            context.update { tally in
                tally.counts.messagesPresent += work.messagesPresent
                tally.counts.messagesSkipped += work.messagesSkipped
                tally.counts.messagesKeptDeleted += work.messagesKeptDeleted
            }
            context.write(
                "folder \(folder) -> \(target): unchanged since the last complete sync "
                    + (work.recordedOnDestination ? "(as recorded on the destination) " : "")
                    + "(\(work.messagesPresent) present)")
            return 0
        }
        context.update { tally in
            tally.counts.messagesPresent += diff.presentCount
            tally.counts.messagesSkipped += diff.skipped.count
            tally.counts.messagesKeptDeleted += diff.keptDeleted.count
        }
        for (message, reason) in diff.skipped {
            context.write("skip \(folder) uid \(message.uid) (\(message.size) bytes): \(reason)")
        }
        if !diff.keptDeleted.isEmpty {
            context.write(
                "folder \(folder) -> \(target): \(diff.keptDeleted.count) deleted on the destination since the last sync "
                    + "(kept deleted; --restore-deleted copies them again)")
        }
        context.observer.handle(
            .folderStarted(
                sourceUser: sourceUser, folder: folder, messages: diff.messagesToCopy, bytes: diff.bytesToCopy))

        let copyFlags = options.flags
        let acceptsKeywords = destination.acceptsKeywords
        let flags: @Sendable (MessageFlags) -> MessageFlags = {
            copyFlags ? FolderDiff.storable($0, acceptsKeywords: acceptsKeywords) : .none
        }
        let copied: Int
        let failed: Int
        if diff.copiedInWindows != nil {
            (copied, failed) = try await copyInWindows(
                folder, to: target, source: source, destination: destination, context: context, flags: flags)
        } else {
            copied = diff.toCopy.count
            failed = try await MessageCopier(context: context).copy(
                diff.toCopy, from: folder, to: target, source: source, destination: destination, flags: flags)
        }
        for update in diff.flagUpdates {
            try await destination.setFlags(update.flags, ofUID: update.destinationUID, in: target)
            context.update { $0.counts.flagsUpdated += 1 }
            context.write("flags \(target) uid \(update.destinationUID) -> \(update.flags)")
        }
        // The pairs' baseline after their flags were set: a crash before this only makes the next run
        // see the flags it set as the user's, which it keeps.
        try context.ledger.saveBaseline(diff.baselineUpdates, for: pair)
        try context.ledger.removeBaseline(diff.baselineRemovals, for: pair)
        let deleted = try await mirrorDeletions(work, diff: diff, destination: destination, context: context)
        context.write(
            "folder \(folder) -> \(target): copied \(copied - failed), present \(diff.presentCount), "
                + "skipped \(diff.skipped.count), flags \(diff.flagUpdates.count)"
                + (diff.keptDeleted.isEmpty ? "" : ", kept deleted \(diff.keptDeleted.count)")
                + (deleted > 0 ? ", deleted \(deleted)" : ""))

        // Record both states only when the folder is complete, so a later run may skip it. A folder
        // this run did not touch still has the state read before (a later change only makes the next
        // run compare again); one it wrote to is asked again.
        let untouched = copied == 0 && diff.flagUpdates.isEmpty && deleted == 0 && work.destinationState != nil
        let destinationStateAfter = untouched ? work.destinationState : try await destination.state(of: target)
        if failed == 0, !work.deletionsRefused, let destinationState = destinationStateAfter {
            var record = Ledger.FolderRecord(
                sourceUser: sourceUser, sourceFolder: folder, destinationFolder: target, source: sourceState,
                destination: destinationState, messagesPresent: diff.presentCount + copied,
                messagesKeptDeleted: diff.keptDeleted.count, messagesSkipped: diff.skipped.count, syncedAt: Date())
            // Kept on the destination first: writing it changes that folder's HIGHESTMODSEQ, which the
            // state's record must already hold, or the next run would not take the fast path.
            if await keepOnDestination(
                record, mapping: work.mapping, untouched: untouched, source: source, destination: destination,
                context: context),
                let changed = try await destination.state(of: target)
            {
                record.destination = changed
            }
            try context.ledger.saveFolderRecord(record)
        }
        return failed
    }

    /// Removes from the destination what left the source (`deletions: mirror`), unless the guard
    /// refused; returns how many were removed (or marked `\Deleted` where the server cannot expunge by UID).
    private func mirrorDeletions(
        _ work: FolderWork, diff: FolderDiff, destination: any DestinationStore, context: UserRunContext
    ) async throws -> Int {
        guard let target = work.mapping.destination, !diff.toDelete.isEmpty else { return 0 }
        let folder = work.mapping.source.path
        if work.deletionsRefused {
            let message =
                "mass-delete guard: \(diff.toDelete.count) of \(work.destinationState?.messageCount ?? 0) messages in "
                + "\(target) left the source (\(folder)); nothing deleted there (check the source, then "
                + "apply --allow-mass-delete)"
            context.update { tally in
                tally.folderFailures.append(folder.description)
                tally.lastError = message
            }
            context.write(message)
            return 0
        }
        let uids = diff.toDelete.map(\.destination.uid)
        let expunged = try await destination.delete(uids: uids, in: target)
        try context.ledger.removeBaseline(diff.toDelete.map(\.baseline), for: pair)
        context.update { $0.counts.messagesDeleted += uids.count }
        for deletion in diff.toDelete {
            context.write(
                "deleted \(target) uid \(deletion.destination.uid): gone from \(folder) since the last sync"
                    + (expunged ? "" : " (marked \\Deleted; the server cannot expunge by UID)"))
        }
        return uids.count
    }

    /// Runs `first` and `second` at once, each on its own server connection, and waits for both
    /// before throwing: a command cancelled half-way would cost its connection.
    static func both<First: Sendable, Second: Sendable>(
        _ first: @escaping @Sendable () async throws -> First, _ second: () async throws -> Second
    ) async throws -> (First, Second) {
        async let firstResult: Result<First, any Error> = {
            do { return .success(try await first()) } catch { return .failure(error) }
        }()
        let secondResult: Result<Second, any Error>
        do {
            secondResult = .success(try await second())
        } catch {
            secondResult = .failure(error)
        }
        return (try await firstResult.get(), try secondResult.get())
    }
}
