import MailferryCore

extension JobFileChecker {
    static let limitKeys = ["connections", "messages_per_second", "bytes_per_second", "bytes_per_day"]

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
        if let node = fields["messages_per_second"] {
            if let value = rate(node, path: "\(path).messages_per_second") {
                limits.messagesPerSecond = value
            } else {
                valid = false
            }
        }
        if let node = fields["bytes_per_second"] {
            if let value = size(node, path: "\(path).bytes_per_second") {
                limits.bytesPerSecond = value
            } else {
                valid = false
            }
        }
        if let node = fields["bytes_per_day"] {
            if let value = size(node, path: "\(path).bytes_per_day") {
                limits.bytesPerDay = value
            } else {
                valid = false
            }
        }
        return valid ? limits : nil
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
