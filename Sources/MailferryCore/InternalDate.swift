/// The date a server received a message (IMAP INTERNALDATE), with the zone offset it was given in,
/// so that a copy shows the same date string as the original.
public struct InternalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var secondsSince1970: Int64
    /// Offset from UTC in minutes, e.g. +120 for "+0200".
    public var offsetMinutes: Int

    public init(secondsSince1970: Int64, offsetMinutes: Int = 0) {
        self.secondsSince1970 = secondsSince1970
        self.offsetMinutes = offsetMinutes
    }

    public static func < (lhs: InternalDate, rhs: InternalDate) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    /// The UTC calendar day, for `options.since`.
    public var utcDay: CalendarDay {
        let days = Int(floorDivide(secondsSince1970, 86_400))
        // Civil-from-days (Howard Hinnant), valid for the proleptic Gregorian calendar.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return CalendarDay(validYear: year, month: month, day: day)
    }

    /// Seconds since 1970 at 00:00 UTC of `day`.
    public static func startOfDay(_ day: CalendarDay) -> Int64 {
        let y = day.month <= 2 ? day.year - 1 : day.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = day.month > 2 ? day.month - 3 : day.month + 9
        let doy = (153 * mp + 2) / 5 + day.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146_097 + doe - 719_468) * 86_400
    }

    public var description: String { "\(secondsSince1970)\(offsetMinutes >= 0 ? "+" : "-")\(abs(offsetMinutes))m" }

    private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
