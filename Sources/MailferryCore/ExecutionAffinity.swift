/// Where one mailbox's work runs. A store layer may keep all of a mailbox's connections and the
/// tasks that drive them on one thread, so that a byte read from the network is handled without
/// waking another thread (the engine knows nothing of threads; it only runs inside the affinity).
public protocol ExecutionAffinity: Sendable {
    func run<Result>(_ operation: () async throws -> Result) async throws -> Result
}
