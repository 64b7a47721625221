import MailferryCore

/// A source that behaves like `inner` but hands every body it reads to `CrashInjection.watched`,
/// which kills the process halfway through the chosen one (`MAILFERRY_TEST_KILL_AT=fetch:N`).
struct KillSwitchSourceStore: SourceStore {
    let inner: any SourceStore
    let injection: CrashInjection

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
    func close() async { await inner.close() }

    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath, _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result {
        try await inner.withBody(of: message, in: folder) { [injection] body in
            try await consume(injection.watched(body))
        }
    }

    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        try await inner.withBodies(of: messages, in: folder) { [injection] bodies in
            try await consume(
                MessageBodies {
                    guard var message = try await bodies.next() else { return nil }
                    message.body = injection.watched(message.body)
                    return message
                })
        }
    }
}
