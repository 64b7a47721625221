/// What makes two messages "the same" across servers, computed from the message itself so that
/// losing the state directory never causes duplicates. Counted as a multiset: two genuine copies
/// in a source folder are two entries with equal identity.
///
/// The key is the Message-ID plus the size in bytes (copies keep exact bytes, so sizes agree; the size
/// keeps a sent and a received variant of one Message-ID apart). Without a Message-ID the Date, From
/// and Subject header values are hashed instead, so such messages still migrate exactly once.
public struct MessageIdentity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let key: String

    public init(key: String) { self.key = key }

    /// - Parameters:
    ///   - headers: raw header block (or the header fields fetched: Message-ID, Date, From, Subject).
    ///   - size: the message's size in octets (RFC822.SIZE).
    public init(headers: [UInt8], size: Int64) {
        let fields = HeaderFields(parsing: headers)
        if let messageID = fields.value(of: "message-id"), !messageID.isEmpty {
            key = "mid:\(MessageIdentity.normalizeMessageID(messageID)):\(size)"
        } else {
            var hasher = SHA256Hasher()
            for name in ["date", "from", "subject"] {
                hasher.update(name)
                hasher.update([0])
                hasher.update(MessageIdentity.collapseWhitespace(fields.value(of: name) ?? ""))
                hasher.update([0])
            }
            key = "hdr:\(hasher.hexDigest().prefix(32)):\(size)"
        }
    }

    /// For a message listed without its header fields, because nothing on the destination could be
    /// paired with it (the destination folder is empty). Never equal to an identity made from headers:
    /// only for copying into an empty folder, never for comparing.
    public static func unread(size: Int64) -> MessageIdentity { MessageIdentity(key: "\(unreadPrefix)\(size)") }

    /// Starts the key of every `unread(size:)` identity.
    public static let unreadPrefix = "unread:"

    /// Whether this is an `unread(size:)` identity, which matches nothing.
    public var isUnread: Bool { key.hasPrefix(Self.unreadPrefix) }

    /// The message's size, which every key ends with (":<size>").
    public var size: Int64? { key.split(separator: ":").last.flatMap { Int64($0) } }

    public var description: String { key }

    public static func < (lhs: MessageIdentity, rhs: MessageIdentity) -> Bool { lhs.key < rhs.key }

    static func normalizeMessageID(_ value: String) -> String {
        // Nearly every Message-ID is one "<...>" token of 7-bit text without blanks: kept as it is.
        if let first = value.utf8.first, first == UInt8(ascii: "<"), value.utf8.last == UInt8(ascii: ">"),
            value.utf8.dropFirst().dropLast().allSatisfy({ byte in
                byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">")
            })
        {
            return value
        }
        let text = collapseWhitespace(value)
        // Keep the first <...> token when present: some servers fold or add comments. 7-bit text is
        // searched as bytes; other text by Characters (a "<" with a combining mark is no "<").
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = text.utf8
            if let open = bytes.firstIndex(of: UInt8(ascii: "<")),
                let close = bytes[open...].firstIndex(of: UInt8(ascii: ">"))
            {
                return String(text[open...close])
            }
            return text
        }
        if let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            return String(text[open...close])
        }
        return text
    }

    /// Runs of blanks, tabs, CRs and LFs become one space, none at the ends. It runs for every
    /// message listed, so 7-bit text (nearly every header value) is handled as bytes; other text
    /// keeps the Character rules, where a blank followed by a combining mark is not a blank.
    static func collapseWhitespace(_ value: String) -> String {
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else { return collapseWhitespaceByCharacter(value) }
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        let bytes = Array(value.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // CR LF is one Character, equal to neither "\r" nor "\n": it is kept, as by Characters.
            let lineBreak = byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A
            if !lineBreak, byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                pendingSpace = !collapsed.isEmpty
            } else {
                if pendingSpace { collapsed.append(0x20) }
                pendingSpace = false
                collapsed.append(byte)
                if lineBreak {
                    collapsed.append(0x0A)
                    index += 1
                }
            }
            index += 1
        }
        return String(decoding: collapsed, as: UTF8.self)
    }

    static func collapseWhitespaceByCharacter(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }).joined(separator: " ")
    }
}
