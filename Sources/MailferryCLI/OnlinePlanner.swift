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

    /// Each user's plan goes to `sink` as soon as it is made; only the counts stay. Returns the plan's
    /// head: the plan without its users, its summary and the job's duration counting them all.
    func plan(
        accounts: [Account], digest: String, concurrency: Int, into sink: some UserPlanSink
    ) async throws(CLIError) -> MigrationPlan {
        let factory = StoreFactory(job: job, environment: environment, trace: trace)
        let planner = UserPlanner(rules: job.folders, options: job.options, ledger: ledger)
        let route = job.source.route
        let expected = route.expectedEndpoints
        let candidates = route.candidates
        let trimHeap = self.trimHeap
        let connections = [job.source.limits.connections, job.destination.limits.connections].compactMap { $0 }
        var estimator = DurationEstimator(
            source: .init(limits: job.source.limits, provider: job.source.provider),
            destination: .init(limits: job.destination.limits, provider: job.destination.provider),
            parallel: ([concurrency] + connections).min() ?? concurrency)
        var summary = PlanSummary()
        try await BoundedConcurrency.forEach(accounts, limit: concurrency) { account in
            let user = await planner.plan(
                account: account, connector: factory.connector(for: account), expectedEndpoint: expected,
                candidates: candidates)
            // As `apply` does after each user (HeapTrimmingObserver): the user's listing is let go, so the
            // free pages it left in the allocator's arenas go back to the system.
            trimHeap()
            return user
        } receive: { (index, user) throws(CLIError) in
            var user = user
            estimator.estimate(&user, at: index)
            summary.add(user)
            try sink.store(user, at: index)
        }
        var head = MigrationPlan(job: job.planReference(digest: digest), offline: false, users: [])
        head.summary = summary
        head.durationUnderLimits = estimator.jobDuration(summary: summary)
        return head
    }
}
