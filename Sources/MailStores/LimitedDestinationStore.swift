import MailferryCore

/// A destination store under `destination.imap.limits`: its connection holds a place at the job's
/// `ConnectionGate` until it is closed, and messages are written no faster than the mailbox's
/// `TrafficPacer` allows.
struct LimitedDestinationStore: DestinationStore {
    let inner: any DestinationStore
    let pacer: TrafficPacer
    let gate: ConnectionGate
    /// Places held at the gate (1).
    let connections: Int

    var acceptsKeywords: Bool { inner.acceptsKeywords }

    var uidsPersist: Bool { inner.uidsPersist }

    func folders() async throws -> [FolderInfo] { try await inner.folders() }

    func state(of folder: MailboxPath) async throws -> FolderState? { try await inner.state(of: folder) }

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

    func create(_ folder: MailboxPath) async throws { try await inner.create(folder) }

    func subscribe(_ folder: MailboxPath) async throws { try await inner.subscribe(folder) }

    func rename(_ folder: MailboxPath, to newName: MailboxPath) async throws {
        try await inner.rename(folder, to: newName)
    }

    @discardableResult
    func append(_ message: MessageSummary, body: MessageBody, to folder: MailboxPath) async throws -> UInt32? {
        try await pacer.admit(message)
        return try await inner.append(message, body: body, to: folder)
    }

    func appendBatch(
        _ messages: MessageBodies, to folder: MailboxPath, stored: @Sendable ([AppendedMessage]) async throws -> Void
    ) async throws {
        try await pacer.pacing(messages) { paced in try await inner.appendBatch(paced, to: folder, stored: stored) }
    }

    func annotation(_ name: String, of folder: MailboxPath) async throws -> [UInt8]? {
        try await inner.annotation(name, of: folder)
    }

    func setAnnotation(_ name: String, to value: [UInt8], of folder: MailboxPath) async throws -> Bool {
        try await inner.setAnnotation(name, to: value, of: folder)
    }

    func setFlags(_ flags: MessageFlags, ofUID uid: UInt32, in folder: MailboxPath) async throws {
        try await inner.setFlags(flags, ofUID: uid, in: folder)
    }

    func delete(uids: [UInt32], in folder: MailboxPath) async throws -> Bool {
        try await inner.delete(uids: uids, in: folder)
    }

    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        try await inner.withBodies(of: messages, in: folder, consume)
    }

    func close() async {
        await inner.close()
        await gate.release(connections)
    }
}
