import Foundation
import Ledger
import MailferryCore

/// Migrates one mailbox: creates missing folders, copies missing messages with their flags and
/// INTERNALDATE, applies changed flags. Idempotent because every decision is made from what the
/// destination holds (the ledger only speeds up folders that did not change since the last run).
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
        let log = ledger.log(sourceUser: user)
        observer.handle(.userStarted(sourceUser: user, destinationUser: account.destinationUser))
        var outcome: UserOutcome
        do {
            try ledger.userStarted(run: runID, sourceUser: user, destinationUser: account.destinationUser, at: Date())
            log.write(
                "\(runID)\(program.map { " by \($0)" } ?? ""): migrating \(user) -> \(account.destinationUser)",
                at: Date())
            outcome = await attempts(runID: runID, log: log)
        } catch {
            outcome = UserOutcome(state: .failed, counts: UserCounts(), lastError: error.userMessage)
            log.write("failed: \(error.userMessage)", at: Date())
        }
        log.write(
            "finished: \(outcome.state.rawValue); copied \(outcome.counts.messagesCopied), present \(outcome.counts.messagesPresent), skipped \(outcome.counts.messagesSkipped), failed \(outcome.counts.messagesFailed), flags updated \(outcome.counts.flagsUpdated)",
            at: Date())
        do {
            try ledger.userFinished(
                run: runID, sourceUser: user, state: outcome.state, counts: outcome.counts, at: Date(),
                lastError: outcome.lastError)
        } catch {
            // The mail moved, but the state cannot say so: the user is not done.
            outcome.state = outcome.counts.messagesCopied > 0 ? .partial : .failed
            outcome.lastError = error.userMessage
            log.write("failed: \(error.userMessage)", at: Date())
        }
        observer.handle(.userFinished(sourceUser: user, outcome: outcome))
        return outcome
    }

    /// The first attempt and its retries, until one completes or an error is final.
    private func attempts(runID: RunID, log: UserLog) async -> UserOutcome {
        let user = account.sourceUser
        var tally = Tally()
        var attempt = 0
        var outcome: UserOutcome
        while true {
            attempt += 1
            do {
                tally.resetForAttempt()
                try await attemptOnce(runID: runID, tally: &tally, log: log)
                let state: UserState = tally.folderFailures.isEmpty && tally.counts.messagesFailed == 0 ? .done : .partial
                outcome = UserOutcome(state: state, counts: tally.counts, lastError: tally.lastError)
                break
            } catch let error as StoreError where error.isTransient && attempt <= options.retries {
                let delay = backoff(attempt: attempt)
                log.write("attempt \(attempt) interrupted: \(error.userMessage); retrying in \(delay)", at: Date())
                observer.handle(.retrying(sourceUser: user, attempt: attempt, delay: delay, reason: error.userMessage))
                try? await Task.sleep(for: delay)
            } catch {
                let message = (error as? any UserFacingError)?.userMessage ?? String(describing: type(of: error))
                log.write("failed: \(message)", at: Date())
                let anyCopied = tally.counts.messagesCopied > 0
                if case .quotaExceeded = error as? StoreError {
                    outcome = UserOutcome(state: .partial, counts: tally.counts, lastError: message)
                } else {
                    outcome = UserOutcome(state: anyCopied ? .partial : .failed, counts: tally.counts, lastError: message)
                }
                break
            }
        }
        return outcome
    }

    private func backoff(attempt: Int) -> Duration {
        var delay = retryDelay
        for _ in 1..<attempt where delay < maximumRetryDelay { delay *= 2 }
        return min(delay, maximumRetryDelay)
    }

    /// Per-attempt counters; messages copied in an earlier attempt stay counted.
    struct Tally {
        var counts = UserCounts()
        var folderFailures: [String] = []
        var lastError: String?

        mutating func resetForAttempt() {
            // Present/skipped are recounted by the next survey; copies and updates already happened.
            counts.messagesPresent = 0
            counts.messagesSkipped = 0
            counts.foldersDone = 0
            folderFailures = []
        }
    }

    private func attemptOnce(runID: RunID, tally: inout Tally, log: UserLog) async throws {
        try await connector.withStores { source, destination in
            try await migrate(source: source, destination: destination, runID: runID, tally: &tally, log: log)
        }
    }

    private func migrate(
        source: any SourceStore, destination: any DestinationStore, runID: RunID, tally: inout Tally, log: UserLog
    ) async throws {
        let user = account.sourceUser
        let sourceFolders = try await source.folders()
        let destinationList = try await destination.folders()
        // A \Noselect name on the destination is only a hierarchy level: it still has to be created.
        var destinationFolders = Set(destinationList.filter(\.selectable).map(\.path))
        var subscribed = Set(destinationList.filter(\.subscribed).map(\.path))
        let mappings = FolderMapper(rules: rules).map(source: sourceFolders, destination: destinationList)
        tally.counts.foldersTotal = mappings.filter { !$0.isSkipped }.count

        for mapping in mappings where mapping.isSkipped {
            log.write("skip folder \(mapping.source.path): \(mapping.reason)", at: Date())
        }
        // Deliveries in doubt (a run died with their APPEND in flight): their folders go last, once the
        // destination has settled, so that a batch the server stored after the crash is seen.
        var doubt = DeliveryDoubt(try ledger.pendingIntents(sourceUser: user))
        let doubtful = mappings.filter { doubt.covers($0.source.path) && $0.destination != nil }
        if !doubtful.isEmpty {
            let count = doubtful.reduce(0) { $0 + doubt.entries(in: $1.source.path).count }
            log.write(
                "\(count) messages in \(doubtful.count) folders in doubt (an earlier attempt stopped with their APPEND in "
                    + "flight): synced last, after the destination settles", at: Date())
        }
        let ordered = mappings.filter { !doubt.covers($0.source.path) } + doubtful
        var settled = doubtful.isEmpty
        var failedFolders: Set<MailboxPath> = []
        var pools: [MailboxPath: [MessageIdentity: [MessageSummary]]] = [:]
        for mapping in ordered {
            guard let target = mapping.destination else { continue }
            do {
                try await ensureFolder(target, destination: destination, existing: &destinationFolders, log: log)
                if mapping.source.subscribed, subscribed.insert(target).inserted {
                    try await destination.subscribe(target)
                    log.write("subscribed folder \(target)", at: Date())
                }
                if !settled {
                    var targets: [MailboxPath] = []
                    for folder in doubtful.compactMap(\.destination) where !targets.contains(folder) { targets.append(folder) }
                    try await doubt.settle(targets, on: destination)
                    settled = true
                }
                try await syncFolder(
                    mapping: mapping, target: target, source: source, destination: destination, pools: &pools,
                    doubt: &doubt, runID: runID, tally: &tally, log: log)
                tally.counts.foldersDone += 1
            } catch let error as StoreError {
                switch error {
                case .folderRefused, .folderUnavailable:
                    failedFolders.insert(mapping.source.path)
                    tally.folderFailures.append(mapping.source.path.description)
                    tally.lastError = error.userMessage
                    log.write("folder \(mapping.source.path) failed: \(error.userMessage)", at: Date())
                default:
                    throw error
                }
            }
            try ledger.userProgress(run: runID, sourceUser: user, counts: tally.counts)
        }
        let abandoned = try doubt.abandon(except: failedFolders, ledger: ledger)
        if abandoned > 0 {
            log.write("\(abandoned) messages in doubt belong to folders no longer migrated: journal entries closed", at: Date())
        }
    }

    /// Creates only the folder itself: servers create missing parents as mere hierarchy levels (RFC 3501
    /// 6.3.3), which keeps a source's \Noselect parents from turning into real, empty folders. A server
    /// that refuses a child without its parent gets the parents created first.
    private func ensureFolder(
        _ folder: MailboxPath, destination: any DestinationStore, existing: inout Set<MailboxPath>, log: UserLog
    ) async throws {
        guard !existing.contains(folder) else { return }
        do {
            try await destination.create(folder)
        } catch StoreError.folderRefused where folder.ancestors.contains(where: { !existing.contains($0) }) {
            for parent in folder.ancestors where !existing.contains(parent) {
                try await destination.create(parent)
                existing.insert(parent)
                log.write("created folder \(parent)", at: Date())
            }
            try await destination.create(folder)
        }
        existing.insert(folder)
        log.write("created folder \(folder)", at: Date())
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

    private func syncFolder(
        mapping: FolderMapping, target: MailboxPath, source: any SourceStore, destination: any DestinationStore,
        pools: inout [MailboxPath: [MessageIdentity: [MessageSummary]]], doubt: inout DeliveryDoubt, runID: RunID,
        tally: inout Tally, log: UserLog
    ) async throws {
        let user = account.sourceUser
        let folder = mapping.source.path
        let inDoubt = doubt.entries(in: folder).count
        let (sourceState, destinationStateBefore) = try await Self.both(
            { try await source.state(of: folder) }, { try await destination.state(of: target) })

        // Fast path: neither side changed since the last complete sync of this folder. Without CONDSTORE
        // a flag change leaves the state equal, so flags are then always compared.
        let fastPathAllowed = (sourceState.highestModSeq != nil || !options.flags) && inDoubt == 0
        if fastPathAllowed, pools[target] == nil, let record = try? ledger.folderRecord(sourceUser: user, sourceFolder: folder),
            record.destinationFolder == target, record.source == sourceState,
            record.destination == destinationStateBefore
        {
            tally.counts.messagesPresent += record.messagesPresent
            tally.counts.messagesSkipped += record.messagesSkipped
            log.write(
                "folder \(folder) -> \(target): unchanged since the last complete sync (\(record.messagesPresent) present)",
                at: Date())
            return
        }

        // Taken out of the dictionary while it changes, so that it is not copied (a whole mailbox's
        // summaries when there is no state directory).
        let knownPool = pools.removeValue(forKey: target)
        let listSource = sourceState.messageCount > 0
        // Nothing on the destination to pair with (an empty or new folder, or every message already
        // paired): the source is listed without what identities need, and nothing is compared.
        let nothingToPair = knownPool?.isEmpty ?? ((destinationStateBefore?.messageCount ?? 0) == 0)
        let messages: [MessageSummary]
        let listedDestination: [MessageSummary]?
        do {
            (messages, listedDestination) = try await Self.both(
                { listSource ? try await source.summaries(in: folder, identified: !nothingToPair) : [] },
                { knownPool == nil && !nothingToPair ? try await destination.summaries(in: target) : nil })
        } catch {
            pools[target] = knownPool
            throw error
        }
        var pool = knownPool ?? FolderDiff.pool(of: listedDestination ?? [])
        let diff = FolderDiff(
            source: messages, pool: &pool, options: options, acceptsKeywords: destination.acceptsKeywords)
        pools[target] = pool
        if inDoubt > 0 {
            let found = try doubt.resolve(folder, present: Set(diff.present.map(\.source.sourceKey)), ledger: ledger)
            log.write(
                "folder \(folder): of \(inDoubt) messages in doubt, \(found) were delivered; the others are copied again "
                    + "unless gone from the source", at: Date())
        }

        tally.counts.messagesPresent += diff.present.count
        tally.counts.messagesSkipped += diff.skipped.count
        for (message, reason) in diff.skipped {
            log.write("skip \(folder) uid \(message.uid) (\(message.size) bytes): \(reason)", at: Date())
        }
        observer.handle(
            .folderStarted(sourceUser: user, folder: folder, messages: diff.toCopy.count, bytes: diff.bytesToCopy))

        let outgoing = diff.toCopy.map { message in
            var withFlags = message
            withFlags.flags = options.flags
                ? FolderDiff.storable(message.flags, acceptsKeywords: destination.acceptsKeywords) : .none
            return withFlags
        }
        let copier = MessageCopier(sourceUser: user, ledger: ledger, observer: observer, log: log)
        let failedHere = try await copier.copy(
            outgoing, from: folder, to: target, source: source, destination: destination, tally: &tally)
        for update in diff.flagUpdates {
            try await destination.setFlags(update.flags, ofUID: update.destinationUID, in: target)
            tally.counts.flagsUpdated += 1
            log.write("flags \(target) uid \(update.destinationUID) -> \(update.flags)", at: Date())
        }
        log.write(
            "folder \(folder) -> \(target): copied \(diff.toCopy.count - failedHere), present \(diff.present.count), skipped \(diff.skipped.count), flags \(diff.flagUpdates.count)",
            at: Date())

        // Record both states only when the folder is complete, so a later run may skip it. A folder
        // this run did not touch still has the state read before (a later change only makes the next
        // run compare again); one it wrote to is asked again.
        let untouched = diff.toCopy.isEmpty && diff.flagUpdates.isEmpty && destinationStateBefore != nil
        let destinationStateAfter = untouched ? destinationStateBefore : try await destination.state(of: target)
        if failedHere == 0, let destinationState = destinationStateAfter {
            try ledger.saveFolderRecord(
                Ledger.FolderRecord(
                    sourceUser: user, sourceFolder: folder, destinationFolder: target, source: sourceState,
                    destination: destinationState, messagesPresent: diff.present.count + diff.toCopy.count,
                    messagesSkipped: diff.skipped.count, syncedAt: Date()))
        }
    }
}
