import Foundation
import JobSpec
import MailferryCore
import Testing

@Suite("Job file: users section and options")
struct OptionsChecksTests {
    static func job(options: String) -> String {
        Jobs.validIMAP + "\noptions:\n" + options + "\n"
    }

    @Test func optionsAreRead() throws {
        let fixture = try JobFixture(
            job: Self.job(
                options: """
                      concurrency: 3
                      since: 2015-01-01
                      max_message_size: 35MB
                      flags: false
                      retries: 0
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        let options = try #require(result.job?.options, "\(result.listing)")
        #expect(options.concurrency == 3)
        #expect(options.since == CalendarDay(year: 2015, month: 1, day: 1))
        #expect(options.maxMessageSize == 35_000_000)
        #expect(!options.flags)
        #expect(options.retries == 0)
    }

    @Test(arguments: [("10MiB", 10_485_760), ("500KB", 500_000), ("1 GB", 1_000_000_000), ("2048", 2048), ("7B", 7)])
    func sizesAcceptDecimalAndBinaryUnits(text: String, bytes: Int64) throws {
        let fixture = try JobFixture(job: Self.job(options: "  max_message_size: \(text)"))
        defer { fixture.remove() }
        #expect(fixture.load().job?.options.maxMessageSize == bytes)
    }

    @Test(arguments: ["35 parsecs", "MB", "1.5MB", "-3MB", "0"])
    func badSizesAreErrorsAtTheValue(text: String) throws {
        let fixture = try JobFixture(job: Self.job(options: "  max_message_size: ‸\(text)"))
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.job == nil)
        #expect(result.diagnostics(at: fixture.jobMark(0)).count == 1, "\(result.listing)")
    }

    @Test func rangesAndDatesAreChecked() throws {
        let fixture = try JobFixture(
            job: Self.job(
                options: """
                      concurrency: ‸0
                      retries: ‸-1
                      since: ‸2015-02-30
                      flags: ‸1
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "options.concurrency must be at least 1")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "options.retries must be 0 or more")
        expectDiagnostic(result, .error, at: fixture.jobMark(2), containing: "YYYY-MM-DD")
        expectDiagnostic(result, .error, at: fixture.jobMark(3), containing: "expected true or false")
        #expect(result.errors.count == 4, "\(result.listing)")
    }

    @Test(arguments: ["\"2015/01/01\"", "yesterday", "\"15-01-01\""])
    func sinceMustBeADay(text: String) throws {
        let fixture = try JobFixture(job: Self.job(options: "  since: ‸\(text)"))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "YYYY-MM-DD")
    }

    @Test func delimiterMustBeOneCharacter() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(
                of: "file: users.csv", with: "file: users.csv\n  delimiter: ‸\";;\""))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0), containing: "users.delimiter must be exactly one character")
        // The users file is not split with an unusable delimiter, so it adds no noise.
        #expect(result.errors.count == 1, "\(result.listing)")
    }

    @Test func destinationDomainIsAppendedToBareLocalUsers() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(
                of: "file: users.csv", with: "file: users.csv\n  delimiter: \";\"\n  destination_domain: new.example"),
            users:
                "alice;a-Secret1;;a-New1\nbob@old.example;b-Secret2;bob@elsewhere.example;b-New2\ncarol;c-Secret3;carol.j;c-New3\n"
        )
        defer { fixture.remove() }
        let result = fixture.load()
        let accounts = try #require(result.job?.accounts, "\(result.listing)")
        #expect(
            accounts.map(\.destinationUser) == ["alice@new.example", "bob@elsewhere.example", "carol.j@new.example"])
        #expect(accounts.map(\.localUser) == ["alice", "bob@elsewhere.example", "carol.j"])
        #expect(accounts.map(\.line) == [1, 2, 3])
        #expect(result.job?.usersFile.destinationDomain == "new.example")
    }

    @Test func destinationDomainWithAtIsAnError() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(
                of: "file: users.csv", with: "file: users.csv\n  destination_domain: ‸\"@new.example\""))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "without '@'")
    }
}
