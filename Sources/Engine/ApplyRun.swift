import Foundation
import Ledger
import MailferryCore

/// One `apply` over the selected users: each migrated by `UserMigration`, at most `concurrency` at
/// once, one user's failure never stopping the others. The CLI and the tests run applies through
/// it; recording the run's start and end in the ledger is the caller's (it owns the run's lock).
public struct ApplyRun: Sendable {
    /// One user's migration as it ended.
    public struct UserResult: Sendable {
        public var account: Account
        public var outcome: UserOutcome
        public var startedAt: Date
        public var finishedAt: Date
    }

    public var rules: FolderRules
    public var options: MigrationOptions
    public var ledger: Ledger
    public var runID: RunID
    public var observer: any MigrationObserver
    /// Named in each user's log ("mailferry 0.2.0 (commit …)").
    public var program: String?
    /// Opens each user's stores (the CLI's `StoreFactory`, possibly wrapped).
    public var connector: @Sendable (Account) -> StoreConnector
    public var retryDelay: Duration
    public var maximumRetryDelay: Duration

    public init(
        rules: FolderRules, options: MigrationOptions, ledger: Ledger, runID: RunID,
        observer: any MigrationObserver = SilentObserver(), program: String? = nil, retryDelay: Duration = .seconds(1),
        maximumRetryDelay: Duration = .seconds(30), connector: @escaping @Sendable (Account) -> StoreConnector
    ) {
        self.maximumRetryDelay = maximumRetryDelay
        self.rules = rules
        self.options = options
        self.ledger = ledger
        self.runID = runID
        self.observer = observer
        self.program = program
        self.retryDelay = retryDelay
        self.connector = connector
    }

    /// Every user to its end, by source user (the tests' view of a run).
    public func outcomes(_ accounts: [Account], concurrency: Int) async -> [String: UserOutcome] {
        Dictionary(
            await run(accounts, concurrency: concurrency).map { ($0.account.sourceUser, $0.outcome) },
            uniquingKeysWith: { first, _ in first })
    }

    /// Every user to its end, in the order of `accounts`.
    public func run(_ accounts: [Account], concurrency: Int) async -> [UserResult] {
        await BoundedConcurrency.map(accounts, limit: concurrency) { account in
            let started = Date()
            let migration = UserMigration(
                account: account, rules: rules, options: options, ledger: ledger, connector: connector(account),
                observer: observer, program: program, retryDelay: retryDelay, maximumRetryDelay: maximumRetryDelay)
            let outcome = await migration.run(in: runID)
            return UserResult(account: account, outcome: outcome, startedAt: started, finishedAt: Date())
        }
    }
}
