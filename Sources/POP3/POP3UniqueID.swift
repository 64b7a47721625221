/// One line of UIDL: a message number and the unique-id that stays with the message across sessions.
public struct POP3UniqueID: Sendable, Equatable {
    public var messageNumber: Int
    public var uid: String

    public init(messageNumber: Int, uid: String) {
        self.messageNumber = messageNumber
        self.uid = uid
    }

    /// Parses `msg SP unique-id` from a UIDL listing line or a single `UIDL n` answer.
    ///
    ///     unique-id = 1*70 uid-char ; uid-char = %x21-7E   ; RFC 1939 section 7, UIDL
    ///
    /// Longer ids are accepted: some servers exceed 70 octets, and rejecting them loses mail.
    public static func parse(_ text: String) throws(POP3Error) -> POP3UniqueID {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count >= 2, let number = POP3Number.parse(words[0]), number > 0,
            !words[1].isEmpty, words[1].utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E })
        else {
            throw .protocolError("UIDL line is not \"number unique-id\": \(POP3Error.excerpt(text))")
        }
        return POP3UniqueID(messageNumber: number, uid: String(words[1]))
    }
}
