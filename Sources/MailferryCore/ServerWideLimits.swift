/// `limits.server` of a side: rates and a daily budget shared by every mailbox of the job on that
/// server, for servers that throttle the whole migration rather than each account.
public struct ServerWideLimits: Sendable, Hashable, Codable {
    public var messagesPerSecond: Double?
    public var bytesPerSecond: Int64?
    /// Bytes read from (source) or written to (destination) all mailboxes together per rolling day.
    public var bytesPerDay: Int64?

    public init(messagesPerSecond: Double? = nil, bytesPerSecond: Int64? = nil, bytesPerDay: Int64? = nil) {
        self.messagesPerSecond = messagesPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.bytesPerDay = bytesPerDay
    }

    public var isEmpty: Bool { self == ServerWideLimits() }

    /// Gmail and Microsoft 365 limit each account (their clouds are not one server), so they set
    /// nothing here; an on-premises Exchange server serves every mailbox from one machine, so the
    /// job as a whole stays at 40 messages a second on it (its per-mailbox rate is 10).
    public static func defaults(for provider: MailProvider) -> ServerWideLimits {
        switch provider {
        case .generic, .gmail, .microsoft365: return ServerWideLimits()
        case .exchange: return ServerWideLimits(messagesPerSecond: 40)
        }
    }

    /// These limits, with each one not set taken from `defaults`.
    public func filled(from defaults: ServerWideLimits) -> ServerWideLimits {
        ServerWideLimits(
            messagesPerSecond: messagesPerSecond ?? defaults.messagesPerSecond,
            bytesPerSecond: bytesPerSecond ?? defaults.bytesPerSecond,
            bytesPerDay: bytesPerDay ?? defaults.bytesPerDay)
    }
}
