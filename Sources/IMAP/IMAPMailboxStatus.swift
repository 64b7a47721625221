/// `status-att-list` values (RFC 3501, RFC 7162 HIGHESTMODSEQ); absent items are `nil`.
public struct IMAPMailboxStatus: Sendable, Equatable {
    public var messages: Int?
    public var recent: Int?
    public var uidNext: UInt32?
    public var uidValidity: UInt32?
    public var unseen: Int?
    public var highestModSeq: UInt64?

    public init(
        messages: Int? = nil, recent: Int? = nil, uidNext: UInt32? = nil, uidValidity: UInt32? = nil,
        unseen: Int? = nil, highestModSeq: UInt64? = nil
    ) {
        self.messages = messages
        self.recent = recent
        self.uidNext = uidNext
        self.uidValidity = uidValidity
        self.unseen = unseen
        self.highestModSeq = highestModSeq
    }
}
