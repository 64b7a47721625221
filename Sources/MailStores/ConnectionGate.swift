import MailferryCore

/// Caps the connections open at once to one server across every mailbox of a job
/// (`limits.connections`; without it the gate only counts). A session that needs several
/// connections (POP3 and IMAP under `auto`) takes them together, so that two mailboxes never each
/// hold half of what they need. A server that refuses a connection while the job holds others
/// lowers the cap to what it accepted (`failed(holding:refused:)`).
actor ConnectionGate {
    private(set) var limit: Int
    /// Places held: by sessions still connecting and by connected ones.
    private var open = 0
    private var connecting = 0
    private var connected = 0
    private var waiting: [(count: Int, continuation: CheckedContinuation<Int, Never>)] = []
    /// Refused sessions waiting until no other session is still connecting.
    private var settling: [CheckedContinuation<Void, Never>] = []
    /// The most connections ever open at once, for tests and logs.
    private(set) var peak = 0

    /// - Parameter limit: nil counts connections without capping them.
    init(limit: Int?) {
        self.limit = limit ?? Int.max
    }

    /// Waits until `count` more connections fit, first come first served, and returns how many
    /// places were taken (at most the cap): `connected` or `failed` gets them back.
    @discardableResult
    func acquire(_ count: Int) async -> Int {
        let count = min(count, limit)
        if waiting.isEmpty, open + count <= limit {
            take(count)
            return count
        }
        return await withCheckedContinuation { continuation in waiting.append((count, continuation)) }
    }

    /// The session holding `count` places is connected (and logged in).
    func connected(_ count: Int) {
        connecting -= count
        connected += count
        settle()
    }

    /// A connected session holding `count` places closed.
    func release(_ count: Int) {
        open -= count
        connected -= count
        admitWaiting()
    }

    /// A session holding `count` places could not connect; its places are given back. When the
    /// server `refused` it (refused or reset the connection), this waits until no other session is
    /// still connecting, so that it is known what the server took: if other sessions are connected,
    /// the server is over its own cap, the gate keeps to them from now on and returns the new cap.
    /// Nil when nothing else is connected (then the refusal is an error, such as a wrong port).
    func failed(holding count: Int, refused: Bool) async -> Int? {
        connecting -= count
        settle()
        defer {
            open -= count
            admitWaiting()
        }
        guard refused else { return nil }
        while connecting > 0 { await withCheckedContinuation { settling.append($0) } }
        guard connected > 0 else { return nil }
        limit = min(limit, connected)
        return limit
    }

    private func settle() {
        guard connecting == 0 else { return }
        let settled = settling
        settling.removeAll()
        for continuation in settled { continuation.resume() }
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
        connecting += count
        peak = max(peak, open)
    }
}
