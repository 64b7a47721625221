import IMAP
import MailferryCore

/// INTERNALDATE on the wire (`"17-Jul-1996 02:44:25 -0700"`) and as a Core `InternalDate`, both ways,
/// keeping the zone offset so that a copy shows the same date string as the original.
enum IMAPDateConversion {
    static func internalDate(_ wire: IMAPDateTime) -> InternalDate {
        let day = CalendarDay(year: wire.year, month: wire.month, day: wire.day)
        let midnight = day.map(InternalDate.startOfDay) ?? 0
        let local = midnight + Int64(wire.hour * 3600 + wire.minute * 60 + wire.second)
        return InternalDate(secondsSince1970: local - Int64(wire.zoneMinutes * 60), offsetMinutes: wire.zoneMinutes)
    }

    static func wire(_ date: InternalDate) -> IMAPDateTime {
        let local = date.secondsSince1970 + Int64(date.offsetMinutes * 60)
        let day = InternalDate(secondsSince1970: local).utcDay
        let secondsOfDay = Int(local - InternalDate.startOfDay(day))
        return IMAPDateTime(
            year: day.year, month: day.month, day: day.day, hour: secondsOfDay / 3600,
            minute: secondsOfDay % 3600 / 60, second: secondsOfDay % 60, zoneMinutes: date.offsetMinutes)
    }
}
