import MailferryCore

/// Caps the connections open at once to one server across every mailbox of a job
/// (`limits.connections`; without it the gate only counts). A session that needs several
/// connections (POP3 and IMAP under `auto`) takes them together, so that two mailboxes never each
/// hold half of what they need. A server that refuses a connection while the job holds others
/// lowers the cap to what it accepted (`refused(holding:)`).
actor ConnectionGate {
    private(set) var limit: Int
    private var open = 0
    private var waiting: [(count: Int, continuation: CheckedContinuation<Int, Never>)] = []
    /// The most connections ever open at once, for tests and logs.
    private(set) var peak = 0

    /// - Parameter limit: nil counts connections without capping them.
    init(limit: Int?) {
        self.limit = limit ?? Int.max
    }

    /// Waits until `count` more connections fit, first come first served, and returns how many
    /// places were taken (at most the cap), which `release` gets back.
    @discardableResult
    func acquire(_ count: Int) async -> Int {
        let count = min(count, limit)
        if waiting.isEmpty, open + count <= limit {
            take(count)
            return count
        }
        return await withCheckedContinuation { continuation in waiting.append((count, continuation)) }
    }

    func release(_ count: Int) {
        open -= count
        admitWaiting()
    }

    /// A connection failed to open because the server refused or cut it, while this session held
    /// `count` places. When other sessions of the job hold places, the server is over its own cap:
    /// the gate keeps to what they hold from now on and returns it. Nil when nothing else is held
    /// (then the refusal is an error, such as a wrong port).
    func refused(holding count: Int) -> Int? {
        let others = open - count
        guard others > 0 else { return nil }
        limit = min(limit, others)
        return limit
    }

    private func admitWaiting() {
        while let first = waiting.first {
            // A session that needed more than a lowered cap now goes with the cap's worth.
            let count = min(first.count, limit)
            guard open + count <= limit else { return }
            waiting.removeFirst()
            take(count)
            first.continuation.resume(returning: count)
        }
    }

    private func take(_ count: Int) {
        open += count
        peak = max(peak, open)
    }
}
