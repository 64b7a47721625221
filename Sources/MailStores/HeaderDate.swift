import MailferryCore

/// Dates found in message headers, for stores that have no INTERNALDATE (POP3): the newest
/// `Received:` header's date (the text after its last `;`), else `Date:`.
///
/// Parses RFC 5322 `date-time` (section 3.3) leniently, as real mail writes it: the obsolete syntax of
/// section 4.3 (two- and three-digit years, `UT`/`GMT`/North American zone names, military letters),
/// comments such as `(CEST)`, a missing weekday or seconds, full month and day names, `+02:00` offsets,
/// and asctime-style `Tue Jun  3 11:05:30 2008`.
enum HeaderDate {
    /// The date a server received the message, from the headers alone; nil when none parses.
    /// `Received:` fields are added on top, so the first one that has a date is the newest.
    static func arrival(in headers: HeaderFields) -> InternalDate? {
        for received in headers.values(of: "received") {
            guard let semicolon = received.lastIndex(of: ";") else { continue }
            if let date = parse(String(received[received.index(after: semicolon)...])) { return date }
        }
        return headers.value(of: "date").flatMap(parse)
    }

    /// An RFC 5322 date-time, keeping its zone offset; nil when it is not a valid date.
    static func parse(_ text: String) -> InternalDate? {
        let tokens = tokenize(stripComments(text))
        var index = 0
        // Optional day of week, with or without the comma.
        if index < tokens.count, weekdays.contains(where: { tokens[index].lowercased().hasPrefix($0) }),
            Int(tokens[index]) == nil
        {
            index += 1
        }
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        var zone: Int?
        // "3 Jun 2008 11:05:30 +0200" or asctime "Jun 3 11:05:30 2008".
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if let number = Int(token), token.allSatisfy(\.isASCII) {
                if token.first == "+" || token.first == "-" {
                    zone = zone ?? numericZone(token)
                } else if day == nil, month == nil || year == nil, number >= 1, number <= 31, token.count <= 2,
                    time == nil || month != nil
                {
                    day = number
                } else if year == nil {
                    year = expandYear(number, digits: token.count)
                } else {
                    return nil
                }
            } else if token.contains(":") {
                guard time == nil, let parsed = parseTime(token) else {
                    // "+02:00" style offsets.
                    if zone == nil, token.first == "+" || token.first == "-", let offset = numericZone(token) {
                        zone = offset
                        continue
                    }
                    return nil
                }
                time = parsed
            } else if month == nil, let number = monthNumber(token) {
                month = number
            } else if token.first == "+" || token.first == "-" {
                zone = zone ?? numericZone(token)
            } else if zone == nil, let offset = namedZones[token.uppercased()] {
                zone = offset
            } else if zone == nil, token.count == 1, let letter = token.uppercased().first, letter.isLetter,
                letter != "J"
            {
                // Military zones: RFC 5322 4.3 says their sign was defined backwards, so they mean -0000.
                zone = 0
            } else if weekdays.contains(where: { token.lowercased().hasPrefix($0) }) {
                continue
            } else if namedZones[token.uppercased()] == nil, zone != nil || time != nil {
                continue  // unknown trailing text such as "(added by ...)" left without parentheses
            } else {
                return nil
            }
        }
        guard let day, let month, let year, let time else { return nil }
        guard let calendarDay = CalendarDay(year: year, month: month, day: day) else { return nil }
        let offset = zone ?? 0
        let local = InternalDate.startOfDay(calendarDay) + Int64(time.0 * 3600 + time.1 * 60 + time.2)
        return InternalDate(secondsSince1970: local - Int64(offset * 60), offsetMinutes: offset)
    }

    private static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// RFC 5322 4.3 obs-zone plus names common enough in the wild to be unambiguous (minutes east of UTC).
    private static let namedZones: [String: Int] = [
        "UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
        "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
        "AST": -240, "ADT": -180, "AKST": -540, "AKDT": -480, "HST": -600,
        "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180,
        "MSK": 180, "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "AEST": 600, "AEDT": 660, "NZST": 720,
        "NZDT": 780,
    ]

    private static func monthNumber(_ token: String) -> Int? {
        let lowered = token.lowercased()
        guard lowered.count >= 3 else { return nil }
        guard let index = months.firstIndex(of: String(lowered.prefix(3))) else { return nil }
        // Accept "Jun", "June", "Sept" but not arbitrary words that start like a month.
        let full = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december",
        ][index]
        guard full.hasPrefix(lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered) else { return nil }
        return index + 1
    }

    /// RFC 5322 4.3: a two-digit year below 50 is 20xx, otherwise 19xx; a three-digit year adds 1900.
    private static func expandYear(_ year: Int, digits: Int) -> Int? {
        switch digits {
        case 1, 2: return year < 50 ? 2000 + year : 1900 + year
        case 3: return 1900 + year
        case 4: return year >= 1900 ? year : nil
        default: return nil
        }
    }

    /// "11:05:30", "11:05" or "11:05:30.123"; a leap second 60 is read as 59 (an APPEND date cannot
    /// carry it).
    private static func parseTime(_ token: String) -> (Int, Int, Int)? {
        let whole = token.split(separator: ".", maxSplits: 1).first ?? Substring(token)
        let parts = whole.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isASCIINumber) }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        let second = parts.count == 3 ? Int(parts[2]) ?? 0 : 0
        guard hour < 24, minute < 60, second <= 60 else { return nil }
        return (hour, minute, min(second, 59))
    }

    /// "+0200", "-0730", "+02:00", "+2" → minutes east of UTC.
    private static func numericZone(_ token: String) -> Int? {
        guard let sign = token.first, sign == "+" || sign == "-" else { return nil }
        let digits = token.dropFirst().filter { $0 != ":" }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isASCIINumber), let value = Int(digits) else {
            return nil
        }
        let (hours, minutes) = digits.count <= 2 ? (value, 0) : (value / 100, value % 100)
        guard hours <= 23, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    /// Drops `( ... )` comments, nested ones included (RFC 5322 CFWS).
    private static func stripComments(_ text: String) -> String {
        var result = ""
        var depth = 0
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\" where depth > 0: escaped = true
            case "(": depth += 1
            case ")" where depth > 0: depth -= 1
            default: if depth == 0 { result.append(character) }
            }
        }
        return result
    }

    /// Splits on white space and commas; "3-Jun-2008" style dashes between words split too.
    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var previous: Character = " "
        for character in text {
            let separates =
                character.isWhitespace || character == ","  // "\r\n" is one Character
                || (character == "-" && (previous.isLetter || previous.isNumber) && !current.isEmpty
                    && !current.contains(":"))
            if separates {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}

extension Character {
    fileprivate var isASCIINumber: Bool { isASCII && isNumber }
}
