import MailferryCore

/// The messages of one `POP3SourceStore.withBodies` call, spooled one at a time: asking for the
/// next message closes (and so deletes) the previous spool file. Where the server pipelines, the
/// `TOP`s of a window of messages go out in one write (`POP3SourceStore.window(of:)`), so that
/// the next message is already on its way while the destination takes the current one.
actor POP3BodyBatch {
    private let store: POP3SourceStore
    private var remaining: ArraySlice<MessageSummary>
    /// Messages whose `TOP` was sent and whose response is not read yet, oldest first.
    private var requested: ArraySlice<MessageSummary> = []
    private var current: SpoolFile?

    init(store: POP3SourceStore, messages: [MessageSummary]) {
        self.store = store
        self.remaining = messages[...]
    }

    /// The next message; messages deleted on the server since the listing are left out.
    func next() async throws -> SourceMessage? {
        closeSpool()
        guard await store.readsByTOP else {
            // RETR, one message at a time (a server without TOP).
            guard let message = remaining.popFirst() else { return nil }
            let spool = try await store.spooledBody(of: message)
            current = spool
            return try POP3SourceStore.delivered(message, spool: spool)
        }
        while true {
            if requested.isEmpty {
                guard !remaining.isEmpty else { return nil }
                let count = await store.window(of: remaining)
                let window = remaining.prefix(count)
                remaining = remaining.dropFirst(count)
                try await store.request(window)
                requested = window
            }
            guard let message = requested.popFirst() else { continue }
            guard let spool = try await store.spooledRequested(message) else { continue }
            current = spool
            return try POP3SourceStore.delivered(message, spool: spool)
        }
    }

    /// Deletes the last spool and reads away the answers to `TOP`s nobody asked for (the batch
    /// ended early), so that the session stays in step.
    func close() async {
        closeSpool()
        let unread = requested.count
        requested = []
        if unread > 0 { await store.discardRequested(unread) }
    }

    private func closeSpool() {
        current?.close()
        current = nil
    }
}
