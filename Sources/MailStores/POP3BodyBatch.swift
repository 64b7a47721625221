import MailferryCore

/// The messages of one `POP3SourceStore.withBodies` call, spooled one at a time: asking for the
/// next message closes (and so deletes) the previous spool file.
actor POP3BodyBatch {
    private let store: POP3SourceStore
    private var remaining: ArraySlice<MessageSummary>
    private var current: SpoolFile?

    init(store: POP3SourceStore, messages: [MessageSummary]) {
        self.store = store
        self.remaining = messages[...]
    }

    func next() async throws -> SourceMessage? {
        close()
        guard let message = remaining.popFirst() else { return nil }
        let spool = try await store.spooledBody(of: message)
        current = spool
        return SourceMessage(summary: message, body: MessageBody(size: spool.size, chunks: spool.chunks))
    }

    func close() {
        current?.close()
        current = nil
    }
}
