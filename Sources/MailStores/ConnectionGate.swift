import MailferryCore

/// Caps the connections open at once to one server across every mailbox of a job
/// (`limits.connections`). A session that needs several connections (POP3 and IMAP under `auto`)
/// takes them together, so that two mailboxes never each hold half of what they need.
actor ConnectionGate {
    let limit: Int
    private var open = 0
    private var waiting: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    /// The most connections ever open at once, for tests and logs.
    private(set) var peak = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Waits until `count` more connections fit, first come first served.
    func acquire(_ count: Int) async {
        let count = min(count, limit)
        if waiting.isEmpty, open + count <= limit {
            take(count)
            return
        }
        await withCheckedContinuation { continuation in waiting.append((count, continuation)) }
    }

    func release(_ count: Int) {
        open -= min(count, limit)
        while let first = waiting.first, open + first.count <= limit {
            waiting.removeFirst()
            take(first.count)
            first.continuation.resume()
        }
    }

    private func take(_ count: Int) {
        open += count
        peak = max(peak, open)
    }
}
