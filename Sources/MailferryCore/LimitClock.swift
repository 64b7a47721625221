/// The time that `limits` are measured on: the system's monotonic clock, or a test's clock that
/// advances when slept on, so that tests of rates and budgets never wait for real.
public protocol LimitClock: Sendable {
    /// Seconds since an arbitrary fixed point.
    func now() -> Double
    func sleep(seconds: Double) async throws
}

/// `ContinuousClock`: monotonic, keeps counting while the machine sleeps.
public struct SystemLimitClock: LimitClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
    }
}
