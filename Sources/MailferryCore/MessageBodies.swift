/// A message delivered by `SourceStore.withBodies`: its summary and its body, the body valid only
/// until the next message is asked for.
public struct SourceMessage: Sendable {
    public var summary: MessageSummary
    public var body: MessageBody

    public init(summary: MessageSummary, body: MessageBody) {
        self.summary = summary
        self.body = body
    }
}

/// Several message bodies of one folder, one after another, as a source delivers them (IMAP: one
/// pipelined `UID FETCH`). Pulled by one task at a time, like an iterator.
public struct MessageBodies: Sendable {
    private let nextMessage: @Sendable () async throws -> SourceMessage?

    /// - Parameter next: the next message, `nil` when the source has delivered all it has (messages
    ///   that vanished from the source meanwhile are simply left out).
    public init(next: @escaping @Sendable () async throws -> SourceMessage?) {
        self.nextMessage = next
    }

    public func next() async throws -> SourceMessage? { try await nextMessage() }
}

/// A message a destination stored, with its new UID when the store reports one.
public struct AppendedMessage: Sendable {
    public var summary: MessageSummary
    public var uid: UInt32?

    public init(summary: MessageSummary, uid: UInt32?) {
        self.summary = summary
        self.uid = uid
    }
}
