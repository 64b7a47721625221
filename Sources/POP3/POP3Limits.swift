/// Explicit bounds on what a server may send, each with its own error when exceeded.
public struct POP3Limits: Sendable, Equatable {
    /// Longest status line or line of a listing (CAPA, UIDL, LIST), CRLF excluded.
    /// RFC 2449 allows 512 octets for a response line; servers send longer texts at times.
    public var maxLineLength: Int
    /// Largest header block accepted from `TOP n 0`; bodies from RETR are streamed, never bounded here.
    public var maxHeaderBytes: Int
    /// Most lines accepted in one listing (UIDL or LIST of a huge mailbox).
    public var maxListingLines: Int

    public init(maxLineLength: Int = 8192, maxHeaderBytes: Int = 1 << 20, maxListingLines: Int = 5_000_000) {
        self.maxLineLength = maxLineLength
        self.maxHeaderBytes = maxHeaderBytes
        self.maxListingLines = maxListingLines
    }
}
