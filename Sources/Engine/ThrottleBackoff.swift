import MailferryCore

/// How long a user pauses when a server asks it to slow down: the server's hint when it gave one,
/// else `initial`, doubling with each throttle up to `maximum`. After `limit` pauses in one run the
/// user stops as partial (nothing lost; the next run resumes), so a server that keeps refusing is
/// never hammered.
public struct ThrottleBackoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var limit: Int

    public init(initial: Duration = .seconds(30), maximum: Duration = .seconds(900), limit: Int = 10) {
        self.initial = initial
        self.maximum = maximum
        self.limit = limit
    }

    /// The pause before resuming after the `count`th throttle (1-based).
    public func delay(throttle count: Int, hint: Duration?) -> Duration {
        if let hint { return max(hint, .zero) }
        var delay = initial
        for _ in 1..<max(1, count) where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }
}
