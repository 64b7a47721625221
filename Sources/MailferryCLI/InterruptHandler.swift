import Dispatch
import Foundation
import Synchronization

/// SIGINT, SIGTERM and SIGHUP (the admin's SSH session closing) during apply: instead of dying mid-write, run `onInterrupt` once (record the run
/// as interrupted), then exit with 128 + the signal number, as shells report a signal.
/// `claimCompletion()` lets the normal end of the run win against a signal that arrives just then.
final class InterruptHandler: Sendable {
    /// Taken by whichever ends the run first: the signal handler or the normal end.
    private final class Claim: Sendable {
        private let taken = Mutex(false)

        func take() -> Bool {
            taken.withLock { taken in
                if taken { return false }
                taken = true
                return true
            }
        }
    }

    /// Set once in init; dispatch sources are thread-safe, their existential just is not marked Sendable.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]
    private let claim = Claim()

    init(onInterrupt: @escaping @Sendable (Int32) -> Void) {
        let claim = self.claim
        sources = Self.install { number in
            guard claim.take() else { return }
            onInterrupt(number)
            Foundation.exit(128 + number)
        }
    }

    /// The signals that stop a run cleanly.
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Routes `signals` to `handler` on a queue of its own instead of their default action.
    static func install(_ handler: @escaping @Sendable (Int32) -> Void) -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "mailferry.signals")
        return signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// The signal's name, for the message that reports it.
    static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGHUP: return "SIGHUP"
        default: return "SIGTERM"
        }
    }

    /// True when the run may end normally: no signal handler has started ending it.
    func claimCompletion() -> Bool { claim.take() }

    /// Restores the default signal behaviour.
    func remove() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
