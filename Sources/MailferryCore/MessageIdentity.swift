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
            var hasher = SHA256()
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
    public static func unread(size: Int64) -> MessageIdentity { MessageIdentity(key: "unread:\(size)") }

    public var description: String { key }

    public static func < (lhs: MessageIdentity, rhs: MessageIdentity) -> Bool { lhs.key < rhs.key }

    static func normalizeMessageID(_ value: String) -> String {
        var text = collapseWhitespace(value)
        // Keep the first <...> token when present: some servers fold or add comments.
        if let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            text = String(text[open...close])
        }
        return text
    }

    static func collapseWhitespace(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }).joined(separator: " ")
    }
}
