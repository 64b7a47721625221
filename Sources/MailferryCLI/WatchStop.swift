import Dispatch
import Foundation
import Synchronization

/// SIGINT, SIGTERM and SIGHUP during `apply --watch`: the first asks the loop to stop after the pass
/// in progress (which ends and is recorded as usual) or at once between passes; a second one stops
/// the pass too, recording it as interrupted, as a plain apply does.
final class WatchStop: Sendable {
    private struct State {
        var requested: Int32?
        var runInProgress: (@Sendable () -> Void)?
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    /// Set once in init; dispatch sources are thread-safe, their existential just is not marked Sendable.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    init() {
        let shared = self.shared
        sources = InterruptHandler.install { number in
            let (first, interrupt) = shared.state.withLock { state -> (Bool, (@Sendable () -> Void)?) in
                let first = state.requested == nil
                if first { state.requested = number }
                return (first, state.runInProgress)
            }
            if first {
                let when = interrupt == nil ? "now" : "after this pass (again to stop at once)"
                FileHandle.standardError.write(
                    Data("mailferry: \(InterruptHandler.name(of: number)): stopping the watch \(when)\n".utf8))
                return
            }
            interrupt?()
            Foundation.exit(128 + number)
        }
    }

    /// The signal that asked the loop to stop, if one did.
    var requested: Int32? { shared.state.withLock { $0.requested } }

    /// What a second signal does while a pass runs (record it as interrupted); nil between passes.
    func passStarted(onInterrupt: @escaping @Sendable () -> Void) {
        shared.state.withLock { $0.runInProgress = onInterrupt }
    }

    func passEnded() { shared.state.withLock { $0.runInProgress = nil } }

    /// Sleeps `seconds`, waking early when a stop is requested.
    func wait(seconds: Double) async {
        let deadline = Date().addingTimeInterval(seconds)
        while requested == nil, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(min(200, max(1, Int(deadline.timeIntervalSinceNow * 1000)))))
        }
    }

    func remove() {
        for source in sources { source.cancel() }
        for number in InterruptHandler.signals { signal(number, SIG_DFL) }
    }
}
