import MailferryCore

/// `limits.server` of one side: token buckets and a daily budget that every mailbox of the job on
/// that side draws from, so that the server sees the job's total at the rate, not each mailbox's.
/// One per side and `StoreFactory`; each mailbox's `TrafficPacer` takes from it after its own.
final class ServerTraffic: Sendable {
    let messages: TokenBucket?
    let bytes: TokenBucket?
    let daily: DailyBudget?

    /// Nil when `limits` sets nothing.
    init?(limits: ServerWideLimits, daily: DailyBudget?) {
        guard !limits.isEmpty else { return nil }
        messages = limits.messagesPerSecond.map { TokenBucket(rate: $0, capacity: max(1, $0)) }
        bytes = limits.bytesPerSecond.map { TokenBucket(rate: Double($0)) }
        self.daily = daily
    }
}
