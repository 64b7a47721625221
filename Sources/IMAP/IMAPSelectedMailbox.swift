/// What SELECT or EXAMINE reported about a mailbox.
public struct IMAPSelectedMailbox: Sendable, Equatable {
    public var name: String
    public var exists: Int
    public var recent: Int
    public var uidValidity: UInt32?
    public var uidNext: UInt32?
    public var highestModSeq: UInt64?
    public var flags: [String]
    /// `nil` when the server sent no PERMANENTFLAGS (then all `flags` may be stored).
    public var permanentFlags: [String]?
    public var isReadOnly: Bool

    public init(
        name: String, exists: Int = 0, recent: Int = 0, uidValidity: UInt32? = nil, uidNext: UInt32? = nil,
        highestModSeq: UInt64? = nil, flags: [String] = [], permanentFlags: [String]? = nil, isReadOnly: Bool = false
    ) {
        self.name = name
        self.exists = exists
        self.recent = recent
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.highestModSeq = highestModSeq
        self.flags = flags
        self.permanentFlags = permanentFlags
        self.isReadOnly = isReadOnly
    }
}
