import NIOCore

/// A complete response line as the grammar sees it: the text bytes with literals placed at
/// positions between them.
struct ResponseLine: Sendable {
    enum Literal: Sendable {
        case bytes(ByteBuffer)
        case streamed(byteCount: Int)
    }

    var text: [UInt8] = []
    /// Literal values keyed by the text offset where they stand.
    var literals: [Int: Literal] = [:]

    mutating func appendText(_ buffer: ByteBuffer) {
        text.append(contentsOf: buffer.readableBytesView)
    }

    mutating func appendLiteral(_ literal: Literal) {
        literals[text.count] = literal
    }

    var isEmpty: Bool { text.isEmpty && literals.isEmpty }
}
