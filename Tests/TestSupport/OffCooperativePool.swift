import Foundation

/// Runs a blocking call (a child process, a script) on a thread of its own, so that it does not hold
/// one of the few threads of Swift's cooperative pool (two on a 2-core machine), which every other
/// test running at the same time needs to make progress.
public func offCooperativePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
