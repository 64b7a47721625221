import IMAP
import MailferryCore

/// Turns the messages of a batch into APPEND messages as a MULTIAPPEND asks for them, and remembers
/// which were taken and why a body broke off, so the store can report per message and blame the
/// right server.
actor IMAPAppendFeed {
    private let messages: MessageBodies
    private(set) var taken: [MessageSummary] = []
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
        taken.append(message.summary)
        let body = AppendBody(message.body)
        self.body = body  // only the body being written can fail
        return body.appendMessage(for: message.summary)
    }

    /// The source's error when it broke off the batch, if it did.
    var bodyFailure: (any Error)? { sourceFailure ?? body?.failure.recorded }
}
