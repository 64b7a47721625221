import Foundation
import Testing

@testable import Ledger

@Suite struct StoredDateTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(StoredDate.text(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(StoredDate.text(Date(timeIntervalSince1970: 1_796_121_600.25)) == "2026-12-01T10:40:00.250Z")
        #expect(StoredDate.text(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(StoredDate.logText(Date(timeIntervalSince1970: 1_796_121_600.999)) == "2026-12-01T10:40:00Z")
    }

    @Test func roundTripsToTheMillisecond() throws {
        for seconds in [0, 1_795_000_000, 1_795_000_000.123, 4_102_444_799.999, -86_400.5] {
            let date = Date(timeIntervalSince1970: seconds)
            let parsed = try #require(StoredDate.date(StoredDate.text(date)))
            #expect(abs(parsed.timeIntervalSince(date)) < 0.0005)
        }
        #expect(StoredDate.date("2026-12-01T10:40:00Z") == Date(timeIntervalSince1970: 1_796_121_600))
    }

    @Test(arguments: [
        "", "2026-12-01", "2026-12-01 10:40:00Z", "2026-12-01T10:40:00", "2026-12-01T10:40:00.1Z",
        "abcd-12-01T10:40:00Z",
    ])
    func rejectsOtherText(text: String) {
        #expect(StoredDate.date(text) == nil)
    }
}
