import MailferryCore
import NIOCore

/// Owns the iterator of a message body so that a `@Sendable` closure (an APPEND literal source) can
/// pull chunks from it one at a time; the body is never collected.
actor ChunkPump {
    private var iterator: any AsyncIteratorProtocol<[UInt8], any Error>
    /// The body's own error (e.g. the source connection was cut mid-FETCH), kept so that the APPEND
    /// that it broke can report the source's failure rather than a protocol error of the destination.
    private(set) var bodyFailure: (any Error)?

    init(_ body: MessageBody) {
        iterator = body.chunks.makeAsyncIterator()
    }

    func next() async throws -> ByteBuffer? {
        var current = iterator
        defer { iterator = current }
        do {
            guard let chunk = try await current.next(isolation: self) else { return nil }
            return ByteBuffer(bytes: chunk)
        } catch {
            bodyFailure = error
            throw error
        }
    }
}
