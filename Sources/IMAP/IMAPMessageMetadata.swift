import NIOCore

/// The metadata of one message from `UID FETCH (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (…)])`.
public struct IMAPMessageMetadata: Sendable, Equatable {
    public var uid: UInt32
    public var flags: [String]
    public var internalDate: IMAPDateTime?
    public var size: Int?
    public var modSeq: UInt64?
    /// Gmail's `X-GM-MSGID` and `X-GM-LABELS`, when asked for (X-GM-EXT-1).
    public var gmailMessageID: UInt64?
    public var gmailLabels: [String]?
    /// The requested header fields as sent (RFC 5322 lines, possibly folded, ending in an empty line).
    public var headerFields: ByteBuffer

    public init(
        uid: UInt32, flags: [String], internalDate: IMAPDateTime?, size: Int?, modSeq: UInt64?,
        headerFields: ByteBuffer,
        gmailMessageID: UInt64? = nil, gmailLabels: [String]? = nil
    ) {
        self.uid = uid
        self.flags = flags
        self.internalDate = internalDate
        self.size = size
        self.modSeq = modSeq
        self.headerFields = headerFields
        self.gmailMessageID = gmailMessageID
        self.gmailLabels = gmailLabels
    }
}
