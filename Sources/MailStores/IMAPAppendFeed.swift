import IMAP
import MailferryCore

/// Turns the messages of a batch into APPEND messages as a MULTIAPPEND asks for them, and remembers
/// which were taken and why a body broke off, so the store can report per message and blame the
/// right server.
actor IMAPAppendFeed {
    private let messages: MessageBodies
    private var taken: [(summary: MessageSummary, tap: HeaderBlockTap?)] = []
    private var body: AppendBody?
    /// Why the source could not deliver the next message, if it could not.
    private var sourceFailure: (any Error)?

    init(_ messages: MessageBodies) {
        self.messages = messages
    }

    func next() async throws -> IMAPAppendMessage? {
        let next: SourceMessage?
        do {
            next = try await messages.next()
        } catch {
            sourceFailure = error
            throw error
        }
        guard let message = next else { return nil }
        // A message listed without its header fields learns its identity from its bytes.
        let tap = message.summary.identity.isUnread ? HeaderBlockTap(size: message.summary.size) : nil
        taken.append((message.summary, tap))
        let body = AppendBody(message.body, tap: tap)
        self.body = body  // only the body being written can fail
        return body.appendMessage(for: message.summary)
    }

    /// The first `count` messages taken, each with the identity its bytes gave where it had none.
    func summaries(_ count: Int) -> [MessageSummary] {
        taken.prefix(count).map { summary, tap in
            guard let identity = tap?.identity else { return summary }
            var identified = summary
            identified.identity = identity
            return identified
        }
    }

    /// The source's error when it broke off the batch, if it did.
    var bodyFailure: (any Error)? { sourceFailure ?? body?.failure.recorded }
}
