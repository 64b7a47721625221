import MailferryCore
import Testing

@testable import MailStores

@Suite struct HeaderDateTests {
    /// The expected value: a local wall-clock time in a zone `offset` minutes east of UTC.
    static func date(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ offset: Int)
        -> InternalDate?
    {
        guard let calendarDay = CalendarDay(year: year, month: month, day: day) else { return nil }
        let local = InternalDate.startOfDay(calendarDay) + Int64(hour * 3600 + minute * 60 + second)
        return InternalDate(secondsSince1970: local - Int64(offset * 60), offsetMinutes: offset)
    }

    struct Example: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: [Int]  // year, month, day, hour, minute, second, zone offset in minutes
        var testDescription: String { text }

        init(_ text: String, _ expected: Int...) {
            self.text = text
            self.expected = expected
        }
    }

    static let examples: [Example] = [
        // RFC 5322 3.3 and its appendix A examples
        Example("Tue, 3 Jun 2008 11:05:30 +0200", 2008, 6, 3, 11, 5, 30, 120),
        Example("Fri, 21 Nov 1997 09:55:06 -0600", 1997, 11, 21, 9, 55, 6, -360),
        Example("Thu, 13 Feb 1969 23:32:54 -0330", 1969, 2, 13, 23, 32, 54, -210),
        // comments, folding white space, no weekday, no seconds
        Example("Tue, 3 Jun 2008 11:05:30 +0200 (CEST)", 2008, 6, 3, 11, 5, 30, 120),
        Example("  Tue,  3 Jun 2008\r\n 11:05:30   -0700 (PDT)  ", 2008, 6, 3, 11, 5, 30, -420),
        Example("3 Jun 2008 11:05:30 +0000", 2008, 6, 3, 11, 5, 30, 0),
        Example("Tue, 03 Jun 2008 11:05 +0100", 2008, 6, 3, 11, 5, 0, 60),
        Example("Tue,3 Jun 2008 11:05:30 +0100", 2008, 6, 3, 11, 5, 30, 60),
        Example("Thu, 13 Feb 1969 23:32 -0330 (Newfoundland Time)", 1969, 2, 13, 23, 32, 0, -210),
        // obsolete syntax, RFC 5322 4.3: two/three-digit years, named and military zones
        Example("Tue, 03 Jun 08 11:05:30 +0200", 2008, 6, 3, 11, 5, 30, 120),
        Example("Wed, 17 Mar 99 08:00:00 GMT", 1999, 3, 17, 8, 0, 0, 0),
        Example("Sat, 1 Jan 100 00:00:00 UT", 2000, 1, 1, 0, 0, 0, 0),
        Example("Mon, 2 Feb 2004 10:00:00 EST", 2004, 2, 2, 10, 0, 0, -300),
        Example("Mon, 2 Aug 2004 10:00:00 EDT", 2004, 8, 2, 10, 0, 0, -240),
        Example("Mon, 2 Feb 2004 10:00:00 CST", 2004, 2, 2, 10, 0, 0, -360),
        Example("Mon, 2 Feb 2004 10:00:00 MDT", 2004, 2, 2, 10, 0, 0, -360),
        Example("Mon, 2 Feb 2004 10:00:00 PST", 2004, 2, 2, 10, 0, 0, -480),
        Example("Mon, 2 Feb 2004 10:00:00 Z", 2004, 2, 2, 10, 0, 0, 0),
        Example("Mon, 2 Feb 2004 10:00:00 A", 2004, 2, 2, 10, 0, 0, 0),
        Example("Mon, 2 Feb 2004 10:00:00 -0000", 2004, 2, 2, 10, 0, 0, 0),
        Example("Mon, 2 Feb 2004 10:00:00 UTC", 2004, 2, 2, 10, 0, 0, 0),
        // real-world variants
        Example("Mon, 2 Feb 2004 10:00:00 CET", 2004, 2, 2, 10, 0, 0, 60),
        Example("Mon, 2 Feb 2004 10:00:00 +01:00", 2004, 2, 2, 10, 0, 0, 60),
        Example("Monday, 2 February 2004 10:00:00 +0100", 2004, 2, 2, 10, 0, 0, 60),
        Example("mon, 2 feb 2004 10:00:00 +0100", 2004, 2, 2, 10, 0, 0, 60),
        Example("2 Sept 2004 10:00:00 +0100", 2004, 9, 2, 10, 0, 0, 60),
        Example("Sat, 13 Mar 2010 11:29:05.123 +0100", 2010, 3, 13, 11, 29, 5, 60),
        Example("Tue Jun  3 11:05:30 2008", 2008, 6, 3, 11, 5, 30, 0),
        Example("Tue, 3 Jun 2008 11:05:30", 2008, 6, 3, 11, 5, 30, 0),
        Example("3-Jun-2008 11:05:30 +0200", 2008, 6, 3, 11, 5, 30, 120),
        Example("Sat, 31 Dec 2016 23:59:60 +0000", 2016, 12, 31, 23, 59, 59, 0),
        Example("Thu, 29 Feb 2024 12:00:00 +1345", 2024, 2, 29, 12, 0, 0, 825),
    ]

    @Test(arguments: examples)
    func parsesDates(_ example: Example) throws {
        let e = example.expected
        let expected = try #require(Self.date(e[0], e[1], e[2], e[3], e[4], e[5], e[6]))
        #expect(HeaderDate.parse(example.text) == expected)
    }

    @Test(arguments: [
        "", "yesterday", "Tue, 32 Jun 2008 11:05:30 +0200", "Thu, 29 Feb 2023 12:00:00 +0000",
        "Tue, 3 Jun 2008 25:05:30 +0200", "Tue, 3 Jun 2008 11:61:30 +0200", "Tue, 3 Foo 2008 11:05:30 +0200",
        "Tue, 3 Jun 2008", "11:05:30 +0200", "Tue, 3 Jun 12008 11:05:30 +0200",
    ])
    func rejectsInvalidDates(_ text: String) {
        #expect(HeaderDate.parse(text) == nil)
    }

    func headers(_ text: String) -> HeaderFields { HeaderFields(parsing: Array(text.utf8)) }

    @Test func arrivalIsTheNewestReceivedDate() {
        let fields = headers(
            "Return-Path: <a@example.com>\r\n"
                + "Received: from mx.new.example (mx.new.example [192.0.2.1])\r\n"
                + "\tby mail.new.example (Postfix) with ESMTPS id 4A1B2;\r\n"
                + "\tWed, 4 Jun 2008 08:00:01 +0200 (CEST)\r\n"
                + "Received: from client; Tue, 3 Jun 2008 23:59:00 -0700\r\n"
                + "Date: Tue, 3 Jun 2008 20:00:00 -0700\r\nSubject: hi\r\n\r\nbody; 1 Jan 2000 00:00:00 +0000\r\n")
        #expect(HeaderDate.arrival(in: fields) == Self.date(2008, 6, 4, 8, 0, 1, 120))
    }

    @Test func arrivalUsesTheTextAfterTheLastSemicolon() {
        let fields = headers(
            "Received: from a (b; c) by d with SMTP id x; for <u@example.com>; 5 Jan 2020 01:02:03 +0000\r\n\r\n")
        #expect(HeaderDate.arrival(in: fields) == Self.date(2020, 1, 5, 1, 2, 3, 0))
    }

    @Test func arrivalSkipsReceivedHeadersWithoutADate() {
        let fields = headers(
            "Received: by local (no date here)\r\nReceived: x; garbage\r\nReceived: y; 2 Jan 2021 03:04:05 +0100\r\n\r\n"
        )
        #expect(HeaderDate.arrival(in: fields) == Self.date(2021, 1, 2, 3, 4, 5, 60))
    }

    @Test func arrivalFallsBackToDate() {
        let fields = headers("From: a@example.com\r\nDate: Sun, 7 Jul 2019 07:07:07 -0400\r\n\r\n")
        #expect(HeaderDate.arrival(in: fields) == Self.date(2019, 7, 7, 7, 7, 7, -240))
    }

    @Test func arrivalIsNilWithoutAnyDate() {
        #expect(HeaderDate.arrival(in: headers("From: a@example.com\r\nDate: someday\r\n\r\n")) == nil)
        #expect(HeaderDate.arrival(in: headers("Subject: none\r\n\r\n")) == nil)
    }
}
