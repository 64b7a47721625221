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
    private(set) var literals: [Int: Literal] = [:]
    /// The first and last offsets in `literals`: the grammar asks at every byte whether a literal
    /// stands there, and a hashed lookup per byte was 19% of a stateless re-run's work (run C3).
    private(set) var literalOffsets: ClosedRange<Int>?

    mutating func appendText(_ buffer: ByteBuffer) {
        text.append(contentsOf: buffer.readableBytesView)
    }

    mutating func appendLiteral(_ literal: Literal) {
        literals[text.count] = literal
        literalOffsets = (literalOffsets?.lowerBound ?? text.count)...text.count
    }

    /// Whether a literal stands at this text offset.
    func hasLiteral(at offset: Int) -> Bool {
        guard let literalOffsets, literalOffsets.contains(offset) else { return false }
        return literals[offset] != nil
    }

    var isEmpty: Bool { text.isEmpty && literals.isEmpty }
}
