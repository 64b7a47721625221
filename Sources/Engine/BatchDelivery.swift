import Synchronization

/// Fires once when the source has delivered every body of a batch (or the batch ended without
/// that), so that the next batch's fetch can go out while this one's APPEND awaits its answer.
final class BatchDelivery: Sendable {
    private enum State {
        case pending([CheckedContinuation<Void, Never>])
        case delivered
    }

    private let state = Mutex(State.pending([]))

    /// Wakes every waiter; later calls do nothing.
    func fire() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard case .pending(let waiters) = state else { return [] }
            state = .delivered
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow: Bool = state.withLock { state in
                guard case .pending(var waiters) = state else { return true }
                waiters.append(continuation)
                state = .pending(waiters)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
