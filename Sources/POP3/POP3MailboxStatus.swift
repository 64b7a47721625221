/// The answer to STAT: how many messages the maildrop holds and their total size in octets.
public struct POP3MailboxStatus: Sendable, Equatable {
    public var messageCount: Int
    public var totalSize: Int

    public init(messageCount: Int, totalSize: Int) {
        self.messageCount = messageCount
        self.totalSize = totalSize
    }

    /// Parses the text of `+OK nn mm`.
    ///
    ///     drop-listing = count SP size [SP text]   ; RFC 1939 section 5, STAT
    public static func parse(_ text: String) throws(POP3Error) -> POP3MailboxStatus {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count >= 2, let count = POP3Number.parse(words[0]), let size = POP3Number.parse(words[1]) else {
            throw .protocolError("STAT answer is not \"count size\": \(POP3Error.excerpt(text))")
        }
        return POP3MailboxStatus(messageCount: count, totalSize: size)
    }
}

/// Decimal numbers as POP3 writes them: digits only, no sign, no overflow.
enum POP3Number {
    static func parse<S: StringProtocol>(_ text: S) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }
}
