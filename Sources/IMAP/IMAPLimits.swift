/// Explicit bounds on what the response parser accepts, so a hostile or broken server cannot
/// make the client buffer without end. Exceeding one is `IMAPError.limitExceeded`.
public struct IMAPLimits: Sendable, Equatable {
    /// Longest run of line text (between CRLFs or literals) that is buffered.
    public var maxLineLength: Int
    /// Largest literal announced by the server; streamed message bodies are bounded by this too.
    public var maxLiteralSize: Int
    /// Most literal bytes kept in memory for one response, all its literals together (header
    /// fields, mailbox names); bodies are streamed instead.
    public var maxBufferedLiteralSize: Int

    public init(
        maxLineLength: Int = 1 << 20, maxLiteralSize: Int = 1 << 31, maxBufferedLiteralSize: Int = 8 << 20
    ) {
        self.maxLineLength = maxLineLength
        self.maxLiteralSize = maxLiteralSize
        self.maxBufferedLiteralSize = maxBufferedLiteralSize
    }
}
