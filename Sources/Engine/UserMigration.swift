import Foundation
import Ledger
import MailferryCore

/// Migrates one mailbox: creates missing folders, copies missing messages with their flags and
/// INTERNALDATE, applies changed flags. Idempotent because every decision is made from what the
/// destination holds (the ledger only speeds up folders that did not change since the last run, and
/// holds back deliveries in doubt after a crash). Each folder goes through `FolderPass`, as in `plan`.
public struct UserMigration: Sendable {
    public var account: Account
    public var rules: FolderRules
    public var options: MigrationOptions
    public var ledger: Ledger
    public var connector: StoreConnector
    public var observer: any MigrationObserver
    /// What runs the migration ("mailferry 0.2.0 (commit …)"), named in the log's first line of the run.
    public var program: String?
    /// First retry delay; doubles per attempt up to `maximumRetryDelay`.
    public var retryDelay: Duration
    public var maximumRetryDelay: Duration
    /// Pauses when a server asks to slow down (`StoreError.throttled`).
    public var throttleBackoff = ThrottleBackoff()
    /// About how many messages one window of a source listing holds (`FolderPass.listingWindow`).
    public var listingWindow = 5_000
    /// Waits out a pause; tests pass a clock that does not really wait.
    public var pause: @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }

    public init(
        account: Account, rules: FolderRules, options: MigrationOptions, ledger: Ledger, connector: StoreConnector,
        observer: any MigrationObserver = SilentObserver(), program: String? = nil, retryDelay: Duration = .seconds(1),
        maximumRetryDelay: Duration = .seconds(30)
    ) {
        self.account = account
        self.rules = rules
        self.options = options
        self.ledger = ledger
        self.connector = connector
        self.observer = observer
        self.program = program
        self.retryDelay = retryDelay
        self.maximumRetryDelay = maximumRetryDelay
    }

    /// Never throws: every failure ends in the outcome, so that one user's failure never stops the others.
    /// A state directory that cannot be written stops the user (`LedgerError.notWritable`): the
    /// state would no longer say what happened, though nothing copied is lost.
    public func run(in runID: RunID) async -> UserOutcome {
        let user = account.sourceUser
        let context = UserRunContext(pair: account.pair, runID: runID, ledger: ledger, observer: observer)
        observer.handle(.userStarted(sourceUser: user, destinationUser: account.destinationUser))
        var outcome: UserOutcome
        do {
            try ledger.userStarted(run: runID, sourceUser: user, destinationUser: account.destinationUser, at: Date())
            context.write(
                "\(runID)\(program.map { " by \($0)" } ?? ""): migrating \(user) -> \(account.destinationUser)")
            outcome = await attempts(context)
        } catch {
            outcome = UserOutcome(state: .failed, counts: UserCounts(), lastError: error.userMessage)
            context.write("failed: \(error.userMessage)")
        }
        context.write(
            "finished: \(outcome.state.rawValue); copied \(outcome.counts.messagesCopied), present \(outcome.counts.messagesPresent), skipped \(outcome.counts.messagesSkipped), failed \(outcome.counts.messagesFailed), flags updated \(outcome.counts.flagsUpdated), kept deleted \(outcome.counts.messagesKeptDeleted), deleted \(outcome.counts.messagesDeleted)"
        )
        do {
            try ledger.userFinished(
                run: runID, sourceUser: user, state: outcome.state, counts: outcome.counts, at: Date(),
                lastError: outcome.lastError, resumeAt: outcome.resumeAt)
        } catch {
            // The mail moved, but the state cannot say so: the user is not done.
            outcome.state = outcome.counts.messagesCopied > 0 ? .partial : .failed
            outcome.lastError = error.userMessage
            context.write("failed: \(error.userMessage)")
        }
        observer.handle(.userFinished(sourceUser: user, outcome: outcome))
        return outcome
    }

    /// The first attempt and its retries, until one completes or an error is final.
    private func attempts(_ context: UserRunContext) async -> UserOutcome {
        var attempt = 0
        var throttles = 0
        while true {
            attempt += 1
            do {
                context.startAttempt()
                try await connector.withStores { source, destination in
                    try await migrate(source: source, destination: destination, context: context)
                }
                let done = context.folderFailures.isEmpty && context.counts.messagesFailed == 0
                return UserOutcome(state: done ? .done : .partial, counts: context.counts, lastError: context.lastError)
            } catch let StoreError.throttled(server, reason, hint) where throttles < throttleBackoff.limit {
                // Not a failure and not a retry: the attempt does not count against options.retries.
                throttles += 1
                attempt -= 1
                let delay = throttleBackoff.delay(throttle: throttles, hint: hint)
                context.write("\(server) asks to slow down (\(reason)); pausing \(delay) before resuming")
                observer.handle(
                    .retrying(
                        sourceUser: account.sourceUser, attempt: throttles, delay: delay, reason: "throttled: \(reason)"
                    ))
                await ThrottlePause(ledger: ledger, run: context.runID, sourceUser: account.sourceUser)
                    .wait(delay, pause: pause, context: context)
            } catch let error as StoreError where error.isTransient && attempt <= options.retries {
                let delay = backoff(attempt: attempt)
                context.write("attempt \(attempt) interrupted: \(error.userMessage); retrying in \(delay)")
                observer.handle(
                    .retrying(sourceUser: account.sourceUser, attempt: attempt, delay: delay, reason: error.userMessage)
                )
                try? await Task.sleep(for: delay)
            } catch {
                let message = (error as? any UserFacingError)?.userMessage ?? String(describing: type(of: error))
                context.write("failed: \(message)")
                let counts = context.counts
                // A full mailbox, a server still throttling after every pause or a daily budget used
                // up: nothing failed for good, the next run goes on.
                switch error as? StoreError {
                case .budgetExhausted(_, _, _, let resumeAt)?:
                    return UserOutcome(state: .paused, counts: counts, lastError: message, resumeAt: resumeAt)
                case .quotaExceeded?, .throttled?:
                    return UserOutcome(state: .partial, counts: counts, lastError: message)
                default:
                    break
                }
                return UserOutcome(
                    state: counts.messagesCopied > 0 ? .partial : .failed, counts: counts, lastError: message)
            }
        }
    }

    private func backoff(attempt: Int) -> Duration {
        var delay = retryDelay
        for _ in 1..<attempt where delay < maximumRetryDelay { delay *= 2 }
        return min(delay, maximumRetryDelay)
    }

    private func migrate(
        source: any SourceStore, destination: any DestinationStore, context: UserRunContext
    ) async throws {
        let user = account.sourceUser
        let sourceFolders = try await source.folders()
        let destinationList = try await destination.folders()
        // A \Noselect name on the destination is only a hierarchy level: it still has to be created.
        var destinationFolders = Set(destinationList.filter(\.selectable).map(\.path))
        var subscribed = Set(destinationList.filter(\.subscribed).map(\.path))
        let mappings = try await ArchivedMailSelection.resolve(
            FolderMapper(rules: rules).map(source: sourceFolders, destination: destinationList), source: source)
        context.update { $0.counts.foldersTotal = mappings.filter { !$0.isSkipped }.count }

        for mapping in mappings where mapping.isSkipped || mapping.selection != .all {
            context.write("\(mapping.isSkipped ? "skip" : "select") folder \(mapping.source.path): \(mapping.reason)")
        }
        for rename in try await FolderRename.detect(
            mappings: mappings, records: try ledger.folderRecords(sourceUser: user), sourceFolders: sourceFolders,
            destinationFolders: destinationFolders, source: source)
        {
            let old = rename.record.destinationFolder
            try await destination.rename(old, to: rename.newDestination)
            try ledger.renameFolder(
                account.pair, sourceFolder: rename.record.sourceFolder, to: rename.mapping.source.path,
                destinationFolder: old, to: rename.newDestination)
            destinationFolders.remove(old)
            destinationFolders.insert(rename.newDestination)
            context.write(
                "folder \(rename.record.sourceFolder) was renamed \(rename.mapping.source.path) on the source: renamed "
                    + "\(old) -> \(rename.newDestination) on the destination")
        }
        // Deliveries in doubt (a run died with their APPEND in flight): their folders go last, once the
        // destination has settled, so that a batch the server stored after the crash is seen.
        var doubt = DeliveryDoubt(try ledger.pendingIntents(sourceUser: user))
        let doubtful = mappings.filter { doubt.covers($0.source.path) && $0.destination != nil }
        if !doubtful.isEmpty {
            let count = doubtful.reduce(0) { $0 + doubt.entries(in: $1.source.path).count }
            context.write(
                "\(count) messages in \(doubtful.count) folders in doubt (an earlier attempt stopped with their APPEND in "
                    + "flight): synced last, after the destination settles")
        }
        let ordered = mappings.filter { !doubt.covers($0.source.path) } + doubtful
        var settled = doubtful.isEmpty
        var failedFolders: Set<MailboxPath> = []
        var pass = FolderPass(pair: account.pair, options: options, ledger: ledger)
        pass.listingWindow = listingWindow
        pass.savesSettledPairs = true
        var pools = FolderPass.Pools(mappings: ordered)
        for mapping in ordered {
            guard let target = mapping.destination else { continue }
            do {
                try await ensureFolder(
                    target, destination: destination, existing: &destinationFolders, context: context)
                if mapping.source.subscribed, subscribed.insert(target).inserted {
                    try await destination.subscribe(target)
                    context.write("subscribed folder \(target)")
                }
                if !settled {
                    var targets: [MailboxPath] = []
                    for folder in doubtful.compactMap(\.destination) where !targets.contains(folder) {
                        targets.append(folder)
                    }
                    try await doubt.settle(targets, on: destination)
                    settled = true
                }
                let inDoubt = doubt.entries(in: mapping.source.path).count
                let work = try await pass.prepare(
                    mapping, destinationExists: true, source: source, destination: destination, pools: &pools,
                    inDoubt: inDoubt > 0)
                if inDoubt > 0, let diff = work.diff {
                    let found = try doubt.resolve(
                        mapping.source.path, present: Set(diff.present.map(\.source.sourceKey)), ledger: ledger)
                    context.write(
                        "folder \(mapping.source.path): of \(inDoubt) messages in doubt, \(found) were delivered; the "
                            + "others are copied again unless gone from the source")
                }
                _ = try await pass.execute(work, source: source, destination: destination, context: context)
                context.update { $0.counts.foldersDone += 1 }
            } catch let error as StoreError {
                switch error {
                case .folderRefused, .folderUnavailable:
                    failedFolders.insert(mapping.source.path)
                    context.update { tally in
                        tally.folderFailures.append(mapping.source.path.description)
                        tally.lastError = error.userMessage
                    }
                    context.write("folder \(mapping.source.path) failed: \(error.userMessage)")
                default:
                    throw error
                }
            }
            try context.recordProgress()
        }
        let abandoned = try doubt.abandon(except: failedFolders, ledger: ledger)
        if abandoned > 0 {
            context.write("\(abandoned) messages in doubt belong to folders no longer migrated: journal entries closed")
        }
    }

    /// Creates only the folder itself: servers create missing parents as mere hierarchy levels (RFC 3501
    /// 6.3.3), which keeps a source's \Noselect parents from turning into real, empty folders. A server
    /// that refuses a child without its parent gets the parents created first.
    private func ensureFolder(
        _ folder: MailboxPath, destination: any DestinationStore, existing: inout Set<MailboxPath>,
        context: UserRunContext
    ) async throws {
        guard !existing.contains(folder) else { return }
        do {
            try await destination.create(folder)
        } catch StoreError.folderRefused where folder.ancestors.contains(where: { !existing.contains($0) }) {
            for parent in folder.ancestors where !existing.contains(parent) {
                try await destination.create(parent)
                existing.insert(parent)
                context.write("created folder \(parent)")
            }
            try await destination.create(folder)
        }
        existing.insert(folder)
        context.write("created folder \(folder)")
    }
}
