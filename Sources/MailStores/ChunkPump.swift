import MailferryCore
import NIOCore

/// Owns the iterator of a message body so that a `@Sendable` closure (an APPEND literal source) can
/// pull chunks from it one at a time; the body is never collected.
actor ChunkPump {
    private var iterator: any AsyncIteratorProtocol<[UInt8], any Error>
    private let failure: AppendBody.Failure

    init(_ body: MessageBody, failure: AppendBody.Failure) {
        iterator = body.chunks.makeAsyncIterator()
        self.failure = failure
    }

    func next() async throws -> ByteBuffer? {
        var current = iterator
        defer { iterator = current }
        do {
            guard let chunk = try await current.next(isolation: self) else { return nil }
            return ByteBuffer(bytes: chunk)
        } catch {
            failure.record(error)
            throw error
        }
    }
}
