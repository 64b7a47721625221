import NIOCore

/// One framing event: line text and literals, before any grammar is applied.
///
/// A response line `* 1 FETCH (BODY[] {5}CRLF hello)CRLF` frames as
/// `lineSegment("* 1 FETCH (BODY[] ")`, `literalBegin(5)`, `literalBytes("hello")`…, `literalEnd`,
/// `lineEnd(")")`.
public enum IMAPFrame: Sendable, Equatable {
    /// Line text that ends where a literal starts (the `{n}` marker and its CRLF removed).
    case lineSegment(ByteBuffer)
    /// A literal of exactly this many bytes follows.
    case literalBegin(byteCount: Int)
    /// Some of the literal's bytes; chunks arrive as the network delivers them.
    case literalBytes(ByteBuffer)
    case literalEnd
    /// The last text of a line, without its CRLF; the response is complete.
    case lineEnd(ByteBuffer)
}
