/// Durations for people: `3.1 s`, `4 min 05 s`, `2 h 07 min`.
enum DurationText {
    static func format(seconds: Double) -> String {
        let value = max(0, seconds)
        if value < 60 {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) s"
        }
        let whole = Int(value.rounded())
        if whole < 3600 { return "\(whole / 60) min \(twoDigits(whole % 60)) s" }
        return "\(whole / 3600) h \(twoDigits(whole % 3600 / 60)) min"
    }

    static func format(_ duration: Duration) -> String {
        format(seconds: seconds(duration))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
