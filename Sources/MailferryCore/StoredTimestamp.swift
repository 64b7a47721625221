import Foundation

/// A moment for people and logs, in UTC to the minute: "2026-12-07 09:14 UTC" (rounded up, so that
/// "run again after" is never a moment too early).
public enum StoredTimestamp {
    public static func text(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let seconds = date.timeIntervalSince1970
        let minute = Date(timeIntervalSince1970: (seconds / 60).rounded(.up) * 60)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: minute)
        func pad(_ value: Int?, _ width: Int = 2) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month))-\(pad(parts.day)) \(pad(parts.hour)):\(pad(parts.minute)) UTC"
    }
}
