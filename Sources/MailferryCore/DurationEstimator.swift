/// Estimates a plan's durations under the limits a user at a time, so that a plan of any size is
/// estimated without holding its users: each user's own duration, then the job's. Mailboxes run
/// `parallel` at a time (the job's concurrency, capped by the connection limits), a job never takes
/// less than its slowest mailbox, nor less than its whole traffic takes at the server-wide rates
/// (`limits.server`); the tighter of the two is the job's, and says which limit binds.
public struct DurationEstimator: Sendable {
    public var source: DurationUnderLimits.Side
    public var destination: DurationUnderLimits.Side
    public var parallel: Int
    /// The slowest mailbox so far and its place in the plan: of equally slow ones the first counts,
    /// whatever order the users were planned in, so that two plans of the same state are the same.
    private var slowest: (estimate: DurationUnderLimits, index: Int)?
    private var totalSeconds: Int64 = 0

    public init(source: DurationUnderLimits.Side, destination: DurationUnderLimits.Side, parallel: Int) {
        self.source = source
        self.destination = destination
        self.parallel = parallel
    }

    /// Sets the user's duration under the limits (nil without limits) and counts it for the job's;
    /// `index` is the user's place in the plan.
    public mutating func estimate(_ user: inout UserPlan, at index: Int) {
        let estimate = DurationUnderLimits.estimate(
            messages: user.folders.reduce(0) { $0 + $1.messagesToCopy },
            bytes: user.folders.reduce(0) { $0 + $1.bytesToCopy },
            source: source, destination: destination)
        user.durationUnderLimits = estimate
        guard let estimate else { return }
        totalSeconds += estimate.seconds
        if let current = slowest,
            estimate.seconds < current.estimate.seconds
                || (estimate.seconds == current.estimate.seconds && index > current.index)
        {
            return
        }
        slowest = (estimate, index)
    }

    /// The job's duration once every user is estimated; `summary` sums up the same users.
    public func jobDuration(summary: PlanSummary) -> DurationUnderLimits? {
        var job: DurationUnderLimits?
        if var mailboxes = slowest?.estimate {
            mailboxes.messages = summary.messagesToCopy
            mailboxes.bytes = summary.bytesToCopy
            mailboxes.seconds = max(mailboxes.seconds, totalSeconds / Int64(max(1, parallel)))
            job = mailboxes
        }
        // The job's whole traffic at the server-wide rates (a daily budget no mailbox reaches alone, say).
        if let server = DurationUnderLimits.estimate(
            messages: summary.messagesToCopy, bytes: summary.bytesToCopy, source: source, destination: destination,
            scopes: [.server]), server.seconds > job?.seconds ?? 0
        {
            job = server
        }
        return job
    }
}
