import MailferryCore

/// An access token and when it stops being used: renewed `renewalMargin` before it expires.
public struct BearerToken: Sendable, Equatable {
    public var value: Secret
    /// Nil when the source does not say (a static token, a command's output): kept until refused.
    public var expiresAt: ContinuousClock.Instant?

    public init(value: Secret, expiresAt: ContinuousClock.Instant?) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// A token with `lifetime` left is renewed once a quarter of it (at most a minute) remains.
    public init(value: Secret, lifetime: Duration, now: ContinuousClock.Instant = .now) {
        self.value = value
        let margin = min(.seconds(60), lifetime / 4)
        expiresAt = now + lifetime - margin
    }

    public func isUsable(at now: ContinuousClock.Instant) -> Bool {
        expiresAt.map { now < $0 } ?? true
    }
}
