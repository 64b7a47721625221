import MailferryCore
import Synchronization

/// A smooth rate: `rate` tokens a second, at most `capacity` saved up. A caller takes what it needs
/// at once and waits for the debt to be paid off, so callers queue in order and the rate holds over
/// any stretch of time, never in bursts of a whole second's worth after a pause longer than that.
final class TokenBucket: Sendable {
    let rate: Double
    let capacity: Double
    private let state: Mutex<(tokens: Double, at: Double?)>

    init(rate: Double, capacity: Double? = nil) {
        self.rate = rate
        self.capacity = capacity ?? rate
        state = Mutex((tokens: self.capacity, at: nil))
    }

    /// Takes `amount` tokens at `now` and returns how long to wait before using them (0: at once).
    func reserve(_ amount: Double, now: Double) -> Double {
        state.withLock { state in
            if let at = state.at { state.tokens = min(capacity, state.tokens + max(0, now - at) * rate) }
            state.at = now
            state.tokens -= amount
            return state.tokens >= 0 ? 0 : -state.tokens / rate
        }
    }

    /// Takes `amount` tokens, sleeping on `clock` until they are paid for.
    func take(_ amount: Double, clock: any LimitClock) async throws {
        try await clock.sleep(seconds: reserve(amount, now: clock.now()))
    }
}
