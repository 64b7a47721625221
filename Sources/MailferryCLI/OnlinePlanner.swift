import Engine
import Ledger
import MailStores
import MailferryCore

/// `plan` (and `apply --dry-run`): logs in read-only to both servers for every selected user, at
/// most `concurrency` users at once, and diffs their folders. A user that cannot be reached comes
/// back `unreachable` with the reason; the others are planned regardless.
struct OnlinePlanner {
    var job: Job
    /// The process environment, for the stores' `env:` secrets.
    var environment: [String: String]
    /// Redacted protocol traces (`--verbose`).
    var trace: (@Sendable (String) -> Void)? = nil
    /// The job's state when there is one (read only): folders unchanged since their last complete
    /// sync are planned from it without being listed, as `apply` skips them.
    var ledger: Ledger? = nil
    /// Gives free memory back after each user; `HeapTrimmingObserver.trimHeap` outside tests.
    var trimHeap: @Sendable () -> Void = HeapTrimmingObserver.trimHeap

    func plan(accounts: [Account], digest: String, concurrency: Int) async -> MigrationPlan {
        let factory = StoreFactory(job: job, environment: environment, trace: trace)
        let planner = UserPlanner(rules: job.folders, options: job.options, ledger: ledger)
        let route = job.source.route
        let expected = route.expectedEndpoints
        let candidates = route.candidates
        let trimHeap = self.trimHeap
        let users = await BoundedConcurrency.map(accounts, limit: concurrency) { account in
            let user = await planner.plan(
                account: account, connector: factory.connector(for: account), expectedEndpoint: expected,
                candidates: candidates)
            // As `apply` does after each user (HeapTrimmingObserver): only the user's plan is kept, so the
            // free pages its listing left in the allocator's arenas go back to the system.
            trimHeap()
            return user
        }
        var plan = MigrationPlan(
            job: job.planReference(digest: digest), offline: false,
            users: users)
        let connections = [job.source.limits.connections, job.destination.limits.connections].compactMap { $0 }
        plan.estimateDurations(
            source: .init(limits: job.source.limits, provider: job.source.provider),
            destination: .init(limits: job.destination.limits, provider: job.destination.provider),
            parallel: ([concurrency] + connections).min() ?? concurrency)
        return plan
    }
}
