import Foundation
import Ledger
import MailferryCore

/// One folder's way through `plan` and `apply`. `prepare` reads both sides without changing
/// anything: the folders' states, the fast path (nothing changed since the last complete sync),
/// the listings and the diff against the destination's identity pool. `execute` carries out what
/// `prepare` found: copies, flag updates, the folder's sync record. `plan` runs `prepare` only and
/// `apply` runs both, so the plan shows what apply does by construction.
struct FolderPass: Sendable {
    var sourceUser: String
    var options: MigrationOptions
    /// The state to take the fast path from; nil reads everything (no state, or `verify`).
    var ledger: Ledger?
    /// List every source message with what its identity needs, even where nothing can be paired
    /// (`verify` reports identities; `plan` and `apply` save the server that work on a new folder).
    var identifyAll = false

    /// Destination messages by identity, one pool per destination folder shared by every source
    /// folder merged into it, so that one destination message is never counted twice.
    typealias Pools = [MailboxPath: [MessageIdentity: [MessageSummary]]]

    /// - Parameters:
    ///   - destinationExists: whether the destination folder exists (apply creates it before).
    ///   - inDoubt: the folder has deliveries in doubt: never the fast path.
    func prepare(
        _ mapping: FolderMapping, destinationExists: Bool, source: any SourceStore, destination: any DestinationStore,
        pools: inout Pools, inDoubt: Bool = false
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
        let fastPathAllowed = (sourceState.highestModSeq != nil || !options.flags) && !inDoubt
        if fastPathAllowed, pools[target] == nil, let ledger,
            let record = try? ledger.folderRecord(sourceUser: sourceUser, sourceFolder: folder),
            record.destinationFolder == target, record.source == sourceState, record.destination == destinationState
        {
            return FolderWork(
                mapping: mapping, destinationExists: destinationExists, diff: nil, sourceState: sourceState,
                destinationState: destinationState, unchangedSince: record)
        }

        // Taken out of the dictionary while it changes, so that it is not copied (a whole mailbox's
        // summaries when there is no state directory).
        let knownPool = pools.removeValue(forKey: target)
        let listSource = sourceState.messageCount > 0
        // Nothing on the destination to pair with (an empty or new folder, or every message already
        // paired): the source is listed without what identities need, and nothing is compared.
        let nothingToPair = knownPool?.isEmpty ?? ((destinationState?.messageCount ?? 0) == 0)
        let identified = identifyAll || !nothingToPair
        let messages: [MessageSummary]
        let listedPool: [MessageIdentity: [MessageSummary]]?
        do {
            // The destination's listing becomes its pool at once, so that both are never held together.
            (messages, listedPool) = try await Self.both(
                { listSource ? try await source.summaries(in: folder, identified: identified) : [] },
                {
                    knownPool == nil && !nothingToPair
                        ? FolderDiff.pool(of: try await destination.summaries(in: target)) : nil
                })
        } catch {
            pools[target] = knownPool
            throw error
        }
        var pool = knownPool ?? listedPool ?? [:]
        let diff = FolderDiff(
            source: messages, pool: &pool, options: options, acceptsKeywords: destination.acceptsKeywords)
        pools[target] = pool
        return FolderWork(
            mapping: mapping, destinationExists: destinationExists, diff: diff, sourceState: sourceState,
            destinationState: destinationState)
    }

    /// Copies what `work` found missing, sets the flags it found different and records the folder
    /// when it completed. Returns how many messages failed for good.
    func execute(
        _ work: FolderWork, source: any SourceStore, destination: any DestinationStore, context: UserRunContext
    ) async throws -> Int {
        let folder = work.mapping.source.path
        guard let target = work.mapping.destination, let sourceState = work.sourceState else { return 0 }
        guard let diff = work.diff else {
            context.update { tally in
                tally.counts.messagesPresent += work.messagesPresent
                tally.counts.messagesSkipped += work.messagesSkipped
            }
            context.write(
                "folder \(folder) -> \(target): unchanged since the last complete sync (\(work.messagesPresent) present)")
            return 0
        }
        context.update { tally in
            tally.counts.messagesPresent += diff.present.count
            tally.counts.messagesSkipped += diff.skipped.count
        }
        for (message, reason) in diff.skipped {
            context.write("skip \(folder) uid \(message.uid) (\(message.size) bytes): \(reason)")
        }
        context.observer.handle(
            .folderStarted(sourceUser: sourceUser, folder: folder, messages: diff.toCopy.count, bytes: diff.bytesToCopy))

        let copyFlags = options.flags
        let acceptsKeywords = destination.acceptsKeywords
        let failed = try await MessageCopier(context: context).copy(
            diff.toCopy, from: folder, to: target, source: source, destination: destination,
            flags: { copyFlags ? FolderDiff.storable($0, acceptsKeywords: acceptsKeywords) : .none })
        for update in diff.flagUpdates {
            try await destination.setFlags(update.flags, ofUID: update.destinationUID, in: target)
            context.update { $0.counts.flagsUpdated += 1 }
            context.write("flags \(target) uid \(update.destinationUID) -> \(update.flags)")
        }
        context.write(
            "folder \(folder) -> \(target): copied \(diff.toCopy.count - failed), present \(diff.present.count), "
                + "skipped \(diff.skipped.count), flags \(diff.flagUpdates.count)")

        // Record both states only when the folder is complete, so a later run may skip it. A folder
        // this run did not touch still has the state read before (a later change only makes the next
        // run compare again); one it wrote to is asked again.
        let untouched = diff.toCopy.isEmpty && diff.flagUpdates.isEmpty && work.destinationState != nil
        let destinationStateAfter = untouched ? work.destinationState : try await destination.state(of: target)
        if failed == 0, let destinationState = destinationStateAfter {
            try context.ledger.saveFolderRecord(
                Ledger.FolderRecord(
                    sourceUser: sourceUser, sourceFolder: folder, destinationFolder: target, source: sourceState,
                    destination: destinationState, messagesPresent: diff.present.count + diff.toCopy.count,
                    messagesSkipped: diff.skipped.count, syncedAt: Date()))
        }
        return failed
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
