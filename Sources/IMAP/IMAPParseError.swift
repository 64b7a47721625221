/// The response did not match the IMAP grammar.
public struct IMAPParseError: Error, Sendable, Equatable {
    /// The grammar rule that failed, e.g. `msg-att`.
    public var rule: String
    /// Byte offset in the response line.
    public var offset: Int
    /// The start of the offending line, with control characters escaped (never a literal's content).
    public var excerpt: String

    public init(rule: String, offset: Int, excerpt: String) {
        self.rule = rule
        self.offset = offset
        self.excerpt = excerpt
    }

    public var userMessage: String {
        "malformed response from the server (expected \(rule) at byte \(offset)): \(excerpt)"
    }
}
