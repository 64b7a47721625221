import MailferryCore

extension JobFileChecker {
    static let limitKeys = ["connections", "messages_per_second", "bytes_per_second", "bytes_per_day", "server"]
    static let serverLimitKeys = ["messages_per_second", "bytes_per_second", "bytes_per_day"]

    /// `limits:` of a side, each key optional (the provider's default fills it in).
    mutating func serverLimits(_ entry: YAMLEntry, path: String) -> ServerLimits? {
        guard let fields = fields(of: entry.value, path: path, keys: Self.limitKeys, keyPosition: entry.keyPosition)
        else { return nil }
        var limits = ServerLimits()
        var valid = true
        if let node = fields["connections"] {
            if let value = integer(node, path: "\(path).connections"), value >= 1 {
                limits.connections = value
            } else {
                if node.scalar?.integer != nil {
                    report.error("\(path).connections must be 1 or more", at: node.position)
                }
                valid = false
            }
        }
        if let rates = traffic(fields, path: path) {
            (limits.messagesPerSecond, limits.bytesPerSecond, limits.bytesPerDay) = rates
        } else {
            valid = false
        }
        if let entry = fields.entry("server") {
            let serverPath = "\(path).server"
            if let serverFields = self.fields(
                of: entry.value, path: serverPath, keys: Self.serverLimitKeys, keyPosition: entry.keyPosition),
                let rates = traffic(serverFields, path: serverPath)
            {
                limits.server = ServerWideLimits(
                    messagesPerSecond: rates.messagesPerSecond, bytesPerSecond: rates.bytesPerSecond,
                    bytesPerDay: rates.bytesPerDay)
            } else {
                valid = false
            }
        }
        return valid ? limits : nil
    }

    /// `messages_per_second`, `bytes_per_second` and `bytes_per_day` of `limits` or `limits.server`;
    /// nil when one of them is invalid (each reported at its value).
    private mutating func traffic(_ fields: Fields, path: String)
        -> (messagesPerSecond: Double?, bytesPerSecond: Int64?, bytesPerDay: Int64?)?
    {
        var valid = true
        var messagesPerSecond: Double?
        var bytesPerSecond: Int64?
        var bytesPerDay: Int64?
        if let node = fields["messages_per_second"] {
            messagesPerSecond = rate(node, path: "\(path).messages_per_second")
            valid = valid && messagesPerSecond != nil
        }
        if let node = fields["bytes_per_second"] {
            bytesPerSecond = size(node, path: "\(path).bytes_per_second")
            valid = valid && bytesPerSecond != nil
        }
        if let node = fields["bytes_per_day"] {
            bytesPerDay = size(node, path: "\(path).bytes_per_day")
            valid = valid && bytesPerDay != nil
        }
        return valid ? (messagesPerSecond, bytesPerSecond, bytesPerDay) : nil
    }

    /// A positive number, such as 5 or 0.5.
    private mutating func rate(_ node: YAMLNode, path: String) -> Double? {
        guard let scalar = node.scalar, scalar.kind == .integer || scalar.kind == .float,
            let value = Double(scalar.text)
        else {
            report.error(
                "expected a number for '\(path)' such as 5 or 0.5, found \(node.kindDescription)", at: node.position)
            return nil
        }
        guard value > 0, value.isFinite else {
            report.error("'\(path)' must be more than 0", at: node.position)
            return nil
        }
        return value
    }
}
