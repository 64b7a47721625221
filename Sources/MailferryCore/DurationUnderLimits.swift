/// How long copying takes at least under the sides' `limits`: the slowest limit decides
/// ("1.8 GiB to upload into Gmail at 500 MB a day: 4 days"). A daily budget counts whole days once
/// it is exceeded: a mailbox that needs 3.9 days' budgets finishes on the fourth day.
public struct DurationUnderLimits: Sendable, Hashable, Codable {
    public enum Limit: String, Sendable, Hashable, Codable {
        case bytesPerDay = "bytes_per_day"
        case bytesPerSecond = "bytes_per_second"
        case messagesPerSecond = "messages_per_second"
    }

    /// One side of a migration as the estimate sees it.
    public struct Side: Sendable, Hashable {
        public var limits: ServerLimits
        public var provider: MailProvider

        public init(limits: ServerLimits, provider: MailProvider) {
            self.limits = limits
            self.provider = provider
        }
    }

    /// Whether the limit that decides is one mailbox's (`limits`) or the whole server's (`limits.server`).
    public enum Scope: String, Sendable, Hashable, Codable {
        case account
        case server
    }

    public var seconds: Int64
    /// Which side's which limit decides.
    public var side: String
    public var limit: Limit
    public var scope: Scope
    /// The limit's value (bytes or messages per second, bytes per day).
    public var value: Double
    public var provider: MailProvider
    public var messages: Int
    public var bytes: Int64

    public init(
        seconds: Int64, side: String, limit: Limit, scope: Scope = .account, value: Double, provider: MailProvider,
        messages: Int, bytes: Int64
    ) {
        self.seconds = seconds
        self.side = side
        self.limit = limit
        self.scope = scope
        self.value = value
        self.provider = provider
        self.messages = messages
        self.bytes = bytes
    }

    /// Nil when nothing is to be copied or neither side has a limit that takes time. One mailbox
    /// alone is held to both its own limits and the server-wide ones, so `scopes` has both by default.
    public static func estimate(
        messages: Int, bytes: Int64, source: Side, destination: Side, scopes: [Scope] = [.account, .server]
    ) -> DurationUnderLimits? {
        guard messages > 0 || bytes > 0 else { return nil }
        var slowest: DurationUnderLimits?
        for (name, side) in [("source", source), ("destination", destination)] {
            for scope in scopes {
                let limits = side.limits
                let rates: (Double?, Int64?, Int64?) =
                    scope == .account
                    ? (limits.messagesPerSecond, limits.bytesPerSecond, limits.bytesPerDay)
                    : (limits.server.messagesPerSecond, limits.server.bytesPerSecond, limits.server.bytesPerDay)
                for (seconds, limit, value) in candidates(messages: messages, bytes: bytes, rates: rates)
                where seconds > Double(slowest?.seconds ?? 0) {
                    slowest = DurationUnderLimits(
                        seconds: Int64(seconds.rounded(.up)), side: name, limit: limit, scope: scope, value: value,
                        provider: side.provider, messages: messages, bytes: bytes)
                }
            }
        }
        return slowest
    }

    /// The time each rate takes for `messages` and `bytes`.
    private static func candidates(
        messages: Int, bytes: Int64, rates: (messagesPerSecond: Double?, bytesPerSecond: Int64?, bytesPerDay: Int64?)
    ) -> [(seconds: Double, limit: Limit, value: Double)] {
        var candidates: [(Double, Limit, Double)] = []
        // Within one day's budget the budget costs no time; beyond it, every day started counts.
        if let perDay = rates.bytesPerDay, bytes > perDay {
            let days = (Double(bytes) / Double(perDay)).rounded(.up)
            candidates.append((days * 86_400, .bytesPerDay, Double(perDay)))
        }
        if let perSecond = rates.bytesPerSecond {
            candidates.append((Double(bytes) / Double(perSecond), .bytesPerSecond, Double(perSecond)))
        }
        if let perSecond = rates.messagesPerSecond {
            candidates.append((Double(messages) / perSecond, .messagesPerSecond, perSecond))
        }
        return candidates
    }

    enum CodingKeys: String, CodingKey {
        case seconds, side, limit, scope, value, provider, messages, bytes
    }

    /// A plan written before `scope` existed reads as `account` (the only scope there was).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seconds = try container.decode(Int64.self, forKey: .seconds)
        side = try container.decode(String.self, forKey: .side)
        limit = try container.decode(Limit.self, forKey: .limit)
        scope = try container.decodeIfPresent(Scope.self, forKey: .scope) ?? .account
        value = try container.decode(Double.self, forKey: .value)
        provider = try container.decode(MailProvider.self, forKey: .provider)
        messages = try container.decode(Int.self, forKey: .messages)
        bytes = try container.decode(Int64.self, forKey: .bytes)
    }
}

extension MigrationPlan {
    /// Fills in each user's duration under the limits, and the job's (`DurationEstimator`).
    public mutating func estimateDurations(
        source: DurationUnderLimits.Side, destination: DurationUnderLimits.Side, parallel: Int
    ) {
        var estimator = DurationEstimator(source: source, destination: destination, parallel: parallel)
        for index in users.indices { estimator.estimate(&users[index], at: index) }
        durationUnderLimits = estimator.jobDuration(summary: summary)
    }
}
