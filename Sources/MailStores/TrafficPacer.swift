import MailferryCore
import Synchronization

/// One mailbox's side of `limits`: `messages_per_second` and `bytes_per_second` as token buckets on
/// an injectable clock, and `bytes_per_day` as a `DailyBudget`; then the side's `limits.server`,
/// shared with every other mailbox (`ServerTraffic`). Each message waits for its tokens just
/// before it is read or written, so the rates hold message by message, not batch by batch.
struct TrafficPacer: Sendable {
    let messages: TokenBucket?
    let bytes: TokenBucket?
    let clock: any LimitClock
    /// `bytes_per_day`: checked (and spent) first, so that a message over it is not started.
    let daily: DailyBudget?
    /// The side's server-wide limits, shared by all mailboxes of the job.
    let server: ServerTraffic?

    init(limits: ServerLimits, clock: any LimitClock, daily: DailyBudget? = nil, server: ServerTraffic? = nil) {
        messages = limits.messagesPerSecond.map { TokenBucket(rate: $0, capacity: max(1, $0)) }
        bytes = limits.bytesPerSecond.map { TokenBucket(rate: Double($0)) }
        self.clock = clock
        self.daily = daily
        self.server = server
    }

    var isUnlimited: Bool { messages == nil && bytes == nil && daily == nil && server == nil }

    func admit(_ message: MessageSummary) async throws {
        try daily?.spend(message.size)
        do {
            try server?.daily?.spend(message.size)
        } catch {
            // Not started: the mailbox's own budget gets its bytes back.
            daily?.refund(message.size)
            throw error
        }
        try await messages?.take(1, clock: clock)
        try await bytes?.take(Double(message.size), clock: clock)
        try await server?.messages?.take(1, clock: clock)
        try await server?.bytes?.take(Double(message.size), clock: clock)
    }

    /// Runs `body` over `bodies` with each message admitted before it is handed on. A daily budget
    /// that runs out ends the stream early instead of failing it, so that the messages before are
    /// still stored (an IMAP MULTIAPPEND stores all of a batch or none); the budget's error is
    /// thrown once `body` is done with them.
    func pacing<Result>(
        _ bodies: MessageBodies, _ body: (MessageBodies) async throws -> Result
    ) async throws -> Result {
        guard !isUnlimited else { return try await body(bodies) }
        let exhausted = BudgetStop()
        let paced = MessageBodies {
            guard !exhausted.isSet, let message = try await bodies.next() else { return nil }
            do {
                try await admit(message.summary)
            } catch let error as StoreError {
                guard case .budgetExhausted = error else { throw error }
                exhausted.set(error)
                return nil
            }
            return message
        }
        let result = try await body(paced)
        if let error = exhausted.error { throw error }
        return result
    }
}

/// The budget error that ended a paced stream, if one did.
private final class BudgetStop: Sendable {
    private let stored = Mutex<StoreError?>(nil)

    var error: StoreError? { stored.withLock { $0 } }
    var isSet: Bool { error != nil }

    func set(_ error: StoreError) { stored.withLock { $0 = error } }
}
