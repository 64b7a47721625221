import MailferryCore

/// One mailbox's side of `limits`: `messages_per_second` and `bytes_per_second` as token buckets on
/// an injectable clock. Each message waits for its tokens just before it is read or written, so the
/// rates hold message by message, not batch by batch.
struct TrafficPacer: Sendable {
    let messages: TokenBucket?
    let bytes: TokenBucket?
    let clock: any LimitClock

    init(limits: ServerLimits, clock: any LimitClock) {
        messages = limits.messagesPerSecond.map { TokenBucket(rate: $0, capacity: max(1, $0)) }
        bytes = limits.bytesPerSecond.map { TokenBucket(rate: Double($0)) }
        self.clock = clock
    }

    var isUnlimited: Bool { messages == nil && bytes == nil }

    func admit(_ message: MessageSummary) async throws {
        try await messages?.take(1, clock: clock)
        try await bytes?.take(Double(message.size), clock: clock)
    }

    /// `bodies`, each message admitted before it is handed on.
    func paced(_ bodies: MessageBodies) -> MessageBodies {
        guard !isUnlimited else { return bodies }
        return MessageBodies {
            guard let message = try await bodies.next() else { return nil }
            try await admit(message.summary)
            return message
        }
    }
}
