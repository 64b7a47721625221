import MailferryCore

/// A source store under `source.limits`: its connections hold places at the job's `ConnectionGate`
/// until it is closed, and bodies are read no faster than the mailbox's `TrafficPacer` allows.
struct LimitedSourceStore: SourceStore {
    let inner: any SourceStore
    let pacer: TrafficPacer
    let gate: ConnectionGate
    /// Places held at the gate (2 for POP3 plus IMAP under `auto`, at most the cap).
    let connections: Int

    var endpoints: UserPlan.Endpoints { inner.endpoints }

    func folders() async throws -> [FolderInfo] { try await inner.folders() }

    func state(of folder: MailboxPath) async throws -> FolderState { try await inner.state(of: folder) }

    func summaries(in folder: MailboxPath) async throws -> [MessageSummary] { try await inner.summaries(in: folder) }

    func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary] {
        try await inner.summaries(in: folder, identified: identified)
    }

    func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        try await inner.summaries(in: folder, identified: identified, window: window)
    }

    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        try await inner.identified(messages, in: folder)
    }

    func datesNeedHeaders(in folder: MailboxPath) -> Bool { inner.datesNeedHeaders(in: folder) }

    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath, _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result {
        try await pacer.admit(message)
        return try await inner.withBody(of: message, in: folder, consume)
    }

    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        let pacer = pacer
        return try await inner.withBodies(of: messages, in: folder) { bodies in
            try await pacer.pacing(bodies) { paced in try await consume(paced) }
        }
    }

    func close() async {
        await inner.close()
        await gate.release(connections)
    }
}
