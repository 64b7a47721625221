import MailferryCore

/// A duration under limits for people: "1.8 GiB to upload into Gmail at 500 MB a day: 4 days", and
/// "… at 1 MB a second server-wide: 2 h" when `limits.server` decides.
enum LimitDurationText {
    static func sentence(_ estimate: DurationUnderLimits) -> String {
        let upload = estimate.side == "destination"
        let server = estimate.provider == .generic ? "the \(estimate.side)" : estimate.provider.displayName
        let direction = upload ? "to upload into \(server)" : "to download from \(server)"
        let amount: String
        let rate: String
        switch estimate.limit {
        case .bytesPerDay:
            amount = ByteCountText.format(estimate.bytes)
            rate = "\(decimalSize(estimate.value)) a day"
        case .bytesPerSecond:
            amount = ByteCountText.format(estimate.bytes)
            rate = "\(decimalSize(estimate.value)) a second"
        case .messagesPerSecond:
            amount = estimate.messages == 1 ? "1 message" : "\(estimate.messages) messages"
            rate = "\(number(estimate.value)) a second"
        }
        let scope = estimate.scope == .server ? " server-wide" : ""
        return "\(amount) \(direction) at \(rate)\(scope): \(duration(seconds: estimate.seconds))"
    }

    /// The job's line: which limit binds it, a mailbox's own (the slowest) or the server-wide one.
    static func jobBinding(_ estimate: DurationUnderLimits) -> String {
        estimate.scope == .server ? "the server-wide limit binds" : "slowest"
    }

    /// Whole days from a day on ("4 days"), else hours, minutes and seconds.
    static func duration(seconds: Int64) -> String {
        guard seconds >= 86_400 else { return DurationText.format(seconds: Double(seconds)) }
        let days = (seconds + 86_399) / 86_400
        return days == 1 ? "1 day" : "\(days) days"
    }

    /// Limits are written in decimal units (`500MB`): shown the same way when they are round.
    private static func decimalSize(_ bytes: Double) -> String {
        for (factor, unit) in [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")] where bytes >= factor {
            let value = bytes / factor
            if value == value.rounded() { return "\(Int64(value)) \(unit)" }
        }
        return ByteCountText.format(Int64(bytes))
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}
