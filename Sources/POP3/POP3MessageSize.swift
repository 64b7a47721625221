/// One line of LIST: a message number and its size in octets (as the server counts them, CRLF).
public struct POP3MessageSize: Sendable, Equatable {
    public var messageNumber: Int
    public var size: Int

    public init(messageNumber: Int, size: Int) {
        self.messageNumber = messageNumber
        self.size = size
    }

    /// Parses `msg SP size` from a LIST listing line or a single `LIST n` answer.
    ///
    ///     scan-listing = msg SP size [SP text]   ; RFC 1939 section 5, LIST
    public static func parse(_ text: String) throws(POP3Error) -> POP3MessageSize {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count >= 2, let number = POP3Number.parse(words[0]), number > 0,
            let size = POP3Number.parse(words[1])
        else {
            throw .protocolError("LIST line is not \"number size\": \(POP3Error.excerpt(text))")
        }
        return POP3MessageSize(messageNumber: number, size: size)
    }
}
