import NIOCore

/// The bytes of a message to APPEND, delivered in chunks, with the size known beforehand
/// (an IMAP literal announces its length before its bytes).
public struct IMAPMessageSource: Sendable {
    public let byteCount: Int
    private let nextChunk: @Sendable () async throws -> ByteBuffer?

    /// - Parameter next: returns the next chunk, `nil` at the end; must deliver exactly `byteCount` bytes.
    public init(byteCount: Int, next: @escaping @Sendable () async throws -> ByteBuffer?) {
        self.byteCount = byteCount
        self.nextChunk = next
    }

    /// A message already in memory (small messages, tests).
    public static func buffer(_ buffer: ByteBuffer) -> IMAPMessageSource {
        let box = ChunkQueue([buffer])
        return IMAPMessageSource(byteCount: buffer.readableBytes) { await box.next() }
    }

    /// Chunks from any async sequence, e.g. an `IMAPBodyStream` being fetched elsewhere.
    public init<Chunks: AsyncSequence & Sendable>(byteCount: Int, chunks: Chunks)
    where Chunks.Element == ByteBuffer {
        let box = IteratorBox(chunks)
        self.init(byteCount: byteCount) { try await box.next() }
    }

    /// The next chunk, `nil` at the end.
    public func next() async throws -> ByteBuffer? { try await nextChunk() }
}

private actor ChunkQueue {
    private var chunks: [ByteBuffer]
    init(_ chunks: [ByteBuffer]) { self.chunks = chunks }
    func next() -> ByteBuffer? { chunks.isEmpty ? nil : chunks.removeFirst() }
}

/// Owns a non-Sendable iterator so that a Sendable closure can advance it.
private actor IteratorBox<Chunks: AsyncSequence & Sendable> where Chunks.Element == ByteBuffer {
    private var iterator: Chunks.AsyncIterator

    init(_ chunks: Chunks) { iterator = chunks.makeAsyncIterator() }

    func next() async throws -> ByteBuffer? {
        var current = iterator
        defer { iterator = current }
        return try await current.next(isolation: self)
    }
}
