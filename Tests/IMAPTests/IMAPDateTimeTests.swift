import IMAP
import Testing

@Suite("IMAP date-time")
struct IMAPDateTimeTests {
    @Test func parsesAndFormats() throws {
        let date = try #require(IMAPDateTime(" 7-Jul-2023 02:44:25 -0700"))
        #expect(date == IMAPDateTime(year: 2023, month: 7, day: 7, hour: 2, minute: 44, second: 25, zoneMinutes: -420))
        #expect(date.description == "07-Jul-2023 02:44:25 -0700")
        #expect(IMAPDateTime(date.description) == date)
        #expect(IMAPDateTime("31-dec-1999 23:59:59 +0530")?.zoneMinutes == 330)
        #expect(IMAPDateTime("01-Jan-1970 00:00:00 +0000")?.secondsSince1970 == 0)
        #expect(
            IMAPDateTime("04-Mar-2019 05:06:07 -0230")?.secondsSince1970
                == IMAPDateTime("04-Mar-2019 07:36:07 +0000")?.secondsSince1970)
        #expect(IMAPDateTime("29-Feb-2024 12:00:00 +0100")?.secondsSince1970 == 1_709_204_400)
    }

    @Test func formatsEveryMonthAndZoneInTheWireWidths() throws {
        for month in 1...12 {
            for zone in [-720, -570, -1, 0, 45, 330, 840] {
                let date = IMAPDateTime(
                    year: 987 + month, month: month, day: month, hour: month + 10, minute: 5, second: 9,
                    zoneMinutes: zone)
                let text = date.description
                #expect(text.utf8.count == 26, "\(text)")
                #expect(IMAPDateTime(text) == date, "\(text)")
            }
        }
        let sample = IMAPDateTime(year: 988, month: 1, day: 1, hour: 11, minute: 5, second: 9, zoneMinutes: -570)
        #expect(sample.description == "01-Jan-0988 11:05:09 -0930")
    }

    @Test(arguments: [
        "", "7-Jul-2023", "07-Foo-2023 00:00:00 +0000", "07-Jul-2023 24:00:00 +0000",
        "07-Jul-2023 00:00:00 0000", "07-Jul-2023 00:00:00 +0000 ", "007-Jul-2023 00:00:00 +0000",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(IMAPDateTime(text) == nil)
    }
}
