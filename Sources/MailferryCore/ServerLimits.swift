/// `limits:` of one side: how hard mailferry may use that side's server. `connections` counts every
/// connection of the job to that server at once; the rates and the daily budget are per mailbox, as
/// providers count them. Nil: no limit. A `provider` fills in what the job leaves out.
public struct ServerLimits: Sendable, Hashable, Codable {
    public enum Side: String, Sendable, Hashable {
        case source
        case destination
    }

    public var connections: Int?
    public var messagesPerSecond: Double?
    public var bytesPerSecond: Int64?
    /// Bytes read from (source) or written to (destination) one mailbox per rolling day.
    public var bytesPerDay: Int64?
    /// `limits.server`: shared by all mailboxes of the job on this side.
    public var server: ServerWideLimits

    public init(
        connections: Int? = nil, messagesPerSecond: Double? = nil, bytesPerSecond: Int64? = nil,
        bytesPerDay: Int64? = nil, server: ServerWideLimits = ServerWideLimits()
    ) {
        self.connections = connections
        self.messagesPerSecond = messagesPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.bytesPerDay = bytesPerDay
        self.server = server
    }

    public var isEmpty: Bool { self == ServerLimits() }

    /// What a provider is known to allow: Gmail about 15 connections, 2,500 MB a day of IMAP download
    /// and 500 MB a day of upload per account; Exchange and Microsoft 365 throttle early, so a few
    /// connections and a modest message rate.
    public static func defaults(for provider: MailProvider, side: Side) -> ServerLimits {
        switch provider {
        case .generic:
            return ServerLimits()
        case .gmail:
            return ServerLimits(
                connections: 15, bytesPerDay: side == .source ? 2_500_000_000 : 500_000_000)
        case .microsoft365, .exchange:
            return ServerLimits(connections: 8, messagesPerSecond: 10, server: .defaults(for: provider))
        }
    }

    /// These limits, with each one not set taken from `defaults`.
    public func filled(from defaults: ServerLimits) -> ServerLimits {
        ServerLimits(
            connections: connections ?? defaults.connections,
            messagesPerSecond: messagesPerSecond ?? defaults.messagesPerSecond,
            bytesPerSecond: bytesPerSecond ?? defaults.bytesPerSecond,
            bytesPerDay: bytesPerDay ?? defaults.bytesPerDay, server: server.filled(from: defaults.server))
    }
}
