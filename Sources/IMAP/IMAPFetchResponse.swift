import NIOCore

/// `message-data = nz-number SP "FETCH" SP msg-att` with the attributes the client asks for.
public struct IMAPFetchResponse: Sendable, Equatable {
    /// How a `BODY[...]` value arrived.
    public enum BodyValue: Sendable, Equatable {
        case bytes(ByteBuffer)
        /// Delivered as `fetchBodyBegin`/`Bytes`/`End` events; only its size is kept here.
        case streamed(byteCount: Int)
        case `nil`
    }

    public var sequenceNumber: Int
    public var uid: UInt32?
    public var flags: [String]?
    public var internalDate: IMAPDateTime?
    public var rfc822Size: Int?
    public var modSeq: UInt64?
    /// Gmail's `X-GM-MSGID` (X-GM-EXT-1): the message's 64-bit id, the same in every label's folder.
    public var gmailMessageID: UInt64?
    /// Gmail's `X-GM-LABELS` as sent (modified UTF-7 names; system labels such as `\\Inbox`).
    public var gmailLabels: [String]?
    /// `BODY[section]` values keyed by section text as sent, e.g. `HEADER.FIELDS (MESSAGE-ID DATE)` or ``.
    public var bodySections: [String: BodyValue]

    public init(
        sequenceNumber: Int, uid: UInt32? = nil, flags: [String]? = nil, internalDate: IMAPDateTime? = nil,
        rfc822Size: Int? = nil, modSeq: UInt64? = nil, gmailMessageID: UInt64? = nil, gmailLabels: [String]? = nil,
        bodySections: [String: BodyValue] = [:]
    ) {
        self.sequenceNumber = sequenceNumber
        self.uid = uid
        self.flags = flags
        self.internalDate = internalDate
        self.rfc822Size = rfc822Size
        self.modSeq = modSeq
        self.gmailMessageID = gmailMessageID
        self.gmailLabels = gmailLabels
        self.bodySections = bodySections
    }

    /// The first `BODY[HEADER.FIELDS (...)]` value, if any.
    public var headerFields: ByteBuffer? {
        for (section, value) in bodySections where section.uppercased().hasPrefix("HEADER") {
            if case .bytes(let bytes) = value { return bytes }
        }
        return nil
    }
}
