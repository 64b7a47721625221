import NIOCore

/// A message body as it arrives from `UID FETCH … BODY.PEEK[]`: the size first, then chunks.
/// Only valid inside the closure given to `IMAPClient.fetchBody` (or until the next body of an
/// `IMAPBodyBatch`).
public struct IMAPBodyStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    /// In a multi-message fetch whose server sends the `UID` item after the body (none known does),
    /// the next requested UID in ascending order, which is the order servers answer in.
    public let uid: UInt32
    /// The exact number of bytes the chunks will add up to.
    public let byteCount: Int
    let client: IMAPClient
    let token: CommandToken
    /// Which body of its command this is (1 for the first).
    let ordinal: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: IMAPBodyStream

        public mutating func next() async throws -> ByteBuffer? {
            try await stream.client.nextBodyChunk(stream.token, ordinal: stream.ordinal)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }

    /// The body as a source for APPEND on another session, without buffering it.
    public var messageSource: IMAPMessageSource {
        let stream = self
        return IMAPMessageSource(byteCount: byteCount) {
            try await stream.client.nextBodyChunk(stream.token, ordinal: stream.ordinal)
        }
    }
}

/// A Sendable handle on a command inside the client actor.
struct CommandToken: Sendable, Hashable {
    let tag: String
}
