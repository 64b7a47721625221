/// `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`
/// (RFC 3501), kept as fields so it round-trips exactly from FETCH INTERNALDATE to APPEND.
public struct IMAPDateTime: Sendable, Equatable, Hashable, CustomStringConvertible {
    public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let lowercaseMonthNames = monthNames.map { Array($0.lowercased().utf8) }

    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Offset from UTC in minutes, e.g. -420 for `-0700`.
    public var zoneMinutes: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, zoneMinutes: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.zoneMinutes = zoneMinutes
    }

    /// Parses the text between the quotes, e.g. ` 7-Jul-1996 02:44:25 -0700`.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        // date-day-fixed = (SP DIGIT) / 2DIGIT; some servers send one digit.
        var index = 0
        func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        if bytes.first == UInt8(ascii: " ") { index = 1 }
        let dayDigits = bytes.dropFirst(index).prefix(while: { $0 != UInt8(ascii: "-") }).count
        let (dash, colon, space) = (UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: " "))
        guard dayDigits == 1 || dayDigits == 2, let day = number(dayDigits), expect(dash),
            index + 3 <= bytes.count
        else { return nil }
        // Compared as bytes, ASCII letters in any case (a date is parsed for every message listed).
        let monthText = bytes[index..<index + 3].map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        guard let monthIndex = Self.lowercaseMonthNames.firstIndex(of: monthText) else { return nil }
        index += 3
        guard expect(dash), let year = number(4), expect(space), let hour = number(2), expect(colon),
            let minute = number(2), expect(colon), let second = number(2), expect(space), index < bytes.count
        else { return nil }
        let sign = bytes[index]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        index += 1
        guard let zoneHours = number(2), let zoneRest = number(2), index == bytes.count,
            (1...31).contains(day), hour < 24, minute < 60, second < 61, zoneRest < 60
        else { return nil }
        let zone = zoneHours * 60 + zoneRest
        self.init(
            year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second,
            zoneMinutes: sign == UInt8(ascii: "-") ? -zone : zone)
    }

    /// The instant as seconds since 1970-01-01T00:00:00Z, for comparing dates across zones
    /// (servers may store INTERNALDATE in their own zone).
    public var secondsSince1970: Int64 {
        // Days from civil (Howard Hinnant's algorithm), proleptic Gregorian calendar.
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(zoneMinutes * 60)
    }

    /// The wire form without quotes: `07-Jul-1996 02:44:25 -0700`.
    /// Written into one string of reserved capacity: every APPEND carries one.
    public var description: String {
        var text = ""
        text.reserveCapacity(26)
        func put(_ value: Int, _ width: Int, then separator: String) {
            let digits = String(value)
            text.append(String(repeating: "0", count: max(0, width - digits.count)))
            text.append(digits)
            text.append(separator)
        }
        let zone = abs(zoneMinutes)
        put(day, 2, then: "-")
        text.append(Self.monthNames[min(max(month, 1), 12) - 1])
        text.append("-")
        put(year, 4, then: " ")
        put(hour, 2, then: ":")
        put(minute, 2, then: ":")
        put(second, 2, then: zoneMinutes < 0 ? " -" : " +")
        put(zone / 60, 2, then: "")
        put(zone % 60, 2, then: "")
        return text
    }
}
