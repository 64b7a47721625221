import NIOCore

/// A command ready for the wire, as the steps the session performs, and a redacted trace.
public struct IMAPEncodedCommand: Sendable {
    public enum Step: Sendable, Equatable {
        /// Bytes to write; consecutive sends are written together.
        case send(ByteBuffer)
        /// A synchronizing literal marker was sent: wait for the server's `+` before going on.
        case awaitContinuation
        /// Write exactly this many bytes from the caller's message source.
        case streamLiteral(byteCount: Int)
    }

    public var tag: String
    public var steps: [Step]
    /// The command as it may be logged: secrets replaced by `<redacted>`, literal contents summarised.
    public var trace: String
}
