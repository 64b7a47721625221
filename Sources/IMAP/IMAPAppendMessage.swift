/// One message for APPEND or MULTIAPPEND: its flags, its INTERNALDATE, and its bytes.
public struct IMAPAppendMessage: Sendable {
    /// Flags to set, e.g. `\Seen`, `\Flagged`, or keywords such as `$Forwarded`.
    public var flags: [String]
    /// The INTERNALDATE to keep; `nil` lets the server use the current time.
    public var internalDate: IMAPDateTime?
    public var source: IMAPMessageSource

    public init(flags: [String] = [], internalDate: IMAPDateTime? = nil, source: IMAPMessageSource) {
        self.flags = flags
        self.internalDate = internalDate
        self.source = source
    }
}

/// What the server said about appended messages (RFC 4315 APPENDUID, when offered).
public struct IMAPAppendResult: Sendable, Equatable {
    public var uidValidity: UInt32?
    /// One UID per appended message, in order; empty when the server has no UIDPLUS.
    public var uids: [UInt32]

    public init(uidValidity: UInt32?, uids: [UInt32]) {
        self.uidValidity = uidValidity
        self.uids = uids
    }
}
