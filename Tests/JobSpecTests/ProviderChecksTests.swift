import Foundation
import JobSpec
import MailferryCore
import Testing

@Suite("Job file: provider, limits and port lists")
struct ProviderChecksTests {
    static func job(source: String, destination: String = "    host: mail.new.example", folders: String = "") -> String
    {
        """
        version: 1
        name: provider-test
        source:
        \(source)
        destination:
          imap:
        \(destination)
        \(folders)
        users:
          file: users.csv
        """
    }

    @Test func providersFillInLimitsTheJobLeavesOut() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: imap.gmail.com
                      provider: gmail
                      limits: { connections: 4 }
                    """,
                destination: """
                        host: outlook.office365.com
                        provider: microsoft365
                        limits: { bytes_per_day: 2GB, messages_per_second: 2.5, bytes_per_second: 10MiB }
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        let job = try #require(result.job, "\(result.listing)")
        #expect(job.source.provider == .gmail)
        #expect(job.source.limits == ServerLimits(connections: 4, bytesPerDay: 2_500_000_000))
        #expect(job.destination.provider == .microsoft365)
        #expect(
            job.destination.limits
                == ServerLimits(
                    connections: 8, messagesPerSecond: 2.5, bytesPerSecond: 10 * 1_048_576, bytesPerDay: 2_000_000_000))
        #expect(job.folders.sourceProvider == .gmail)
        #expect(job.folders.destinationProvider == .microsoft365)
        #expect(job.options.destinationProvider == .microsoft365)
    }

    @Test func genericIsTheDefaultAndSetsNoLimits() throws {
        let fixture = try JobFixture(job: Self.job(source: "  host: h.example"))
        defer { fixture.remove() }
        let job = try #require(fixture.load().job)
        #expect(job.source.provider == .generic)
        #expect(job.source.limits.isEmpty)
        #expect(job.destination.limits.isEmpty)
    }

    @Test func unknownProviderGetsDidYouMean() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: "  host: h.example\n  provider: ‸gmial",
                destination: "    host: n.example\n    provider: ‸exchnage"))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing:
                "'gmial' is not a valid 'source.provider'; expected one of generic, gmail, microsoft365, exchange; did you mean 'gmail'?"
        )
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "did you mean 'exchange'?")
    }

    @Test func badLimitsAreErrorsAtEachValue() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      limits:
                        connections: ‸0
                        messages_per_second: ‸fast
                        bytes_per_second: ‸10 parsecs
                        bytes_per_day: ‸-5
                        ‸bytes_per_dya: 1
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0), containing: "source.limits.connections must be 1 or more")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(1),
            containing: "expected a number for 'source.limits.messages_per_second'")
        expectDiagnostic(result, .error, at: fixture.jobMark(2), containing: "'10 parsecs' is not a size")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(3), containing: "source.limits.bytes_per_day must be at least 1 byte")
        expectDiagnostic(result, .error, at: fixture.jobMark(4), containing: "did you mean 'bytes_per_day'?")
        #expect(result.errors.count == 5, "\(result.listing)")
    }

    @Test func portsMayBeListsTriedInOrder() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      protocol: auto
                      ports: { imap4s: [1993, 993], imap4: 0, pop3: [110], pop3s: 0 }
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        let source = try #require(result.job?.source, "\(result.listing)")
        #expect(source.ports.imap4s == [1993, 993])
        #expect(source.ports.imap4.isDisabled)
        #expect(source.route.folders.map(\.port) == [1993, 993])
        #expect(source.route.inbox.map(\.port) == [110])
    }

    @Test func zeroInsideAListOrAnEmptyListIsAnError() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      ports:
                        imap4s: [993, ‸0]
                        imap4: ‸[]
                        pop3: [110, ‸110]
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing: "0 disables the protocol and cannot be one of several ports")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "'source.ports.imap4' is an empty list")
        expectDiagnostic(result, .error, at: fixture.jobMark(2), containing: "port 110 is listed twice")
        #expect(result.errors.count == 3, "\(result.listing)")
    }

    @Test func archiveFolderIsReadAndWarnsWithoutGmail() throws {
        let gmail = try JobFixture(
            job: Self.job(
                source: "  host: h.example\n  provider: gmail", folders: "folders: { archive: Old/Archived }"))
        defer { gmail.remove() }
        let result = gmail.load()
        #expect(try #require(result.job, "\(result.listing)").folders.archive == "Old/Archived")
        #expect(result.warnings.isEmpty)

        let generic = try JobFixture(job: Self.job(source: "  host: h.example", folders: "folders: { archive: ‸X }"))
        defer { generic.remove() }
        expectDiagnostic(
            generic.load(), .warning, at: generic.jobMark(0),
            containing: "folders.archive has no effect unless source.provider is gmail")
    }

    @Test func labelsModeIsReadValidatedAndWarnsWithoutGmail() throws {
        let gmail = try JobFixture(
            job: Self.job(source: "  host: h.example\n  provider: gmail", folders: "folders: { labels: keywords }"))
        defer { gmail.remove() }
        let result = gmail.load()
        #expect(try #require(result.job, "\(result.listing)").folders.labels == .keywords)
        #expect(result.warnings.isEmpty)

        let unset = try JobFixture(job: Self.job(source: "  host: h.example\n  provider: gmail"))
        defer { unset.remove() }
        #expect(try #require(unset.load().job).folders.labels == .folders)

        let wrong = try JobFixture(
            job: Self.job(source: "  host: h.example\n  provider: gmail", folders: "folders: { labels: ‸keyword }"))
        defer { wrong.remove() }
        expectDiagnostic(
            wrong.load(), .error, at: wrong.jobMark(0),
            containing: "'keyword' is not a valid 'folders.labels'; expected one of folders, keywords")

        let generic = try JobFixture(
            job: Self.job(source: "  host: h.example", folders: "folders: { labels: ‸folders }"))
        defer { generic.remove() }
        expectDiagnostic(
            generic.load(), .warning, at: generic.jobMark(0),
            containing: "folders.labels has no effect unless source.provider is gmail")
    }
}

@Suite("Job file: server-wide limits")
struct ServerWideLimitsChecksTests {
    @Test func serverLimitsAreReadAndTheProviderFillsInTheRest() throws {
        let fixture = try JobFixture(
            job: ProviderChecksTests.job(
                source: """
                      host: exchange.old.example
                      provider: exchange
                      limits: { server: { bytes_per_second: 5MB } }
                    """,
                destination: """
                        host: mail.new.example
                        limits:
                          bytes_per_second: 1MB
                          server: { messages_per_second: 20, bytes_per_day: 50GB }
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        let job = try #require(result.job, "\(result.listing)")
        // Exchange's server-wide 40 messages a second stays; the job adds a byte rate.
        #expect(job.source.limits.server == ServerWideLimits(messagesPerSecond: 40, bytesPerSecond: 5_000_000))
        #expect(job.destination.limits.bytesPerSecond == 1_000_000)
        #expect(
            job.destination.limits.server == ServerWideLimits(messagesPerSecond: 20, bytesPerDay: 50_000_000_000))
    }

    @Test func badServerLimitsAreErrorsAtEachValue() throws {
        let fixture = try JobFixture(
            job: ProviderChecksTests.job(
                source: """
                      host: h.example
                      limits:
                        server:
                          messages_per_second: ‸0
                          bytes_per_day: ‸lots
                          ‸connections: 3
                    """,
                destination: """
                        host: n.example
                        limits: { server: ‸5 }
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing: "'source.limits.server.messages_per_second' must be more than 0")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "'lots' is not a size")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(2), containing: "unknown key 'connections' in 'source.limits.server'")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(3),
            containing: "expected a mapping for 'destination.imap.limits.server'")
        #expect(result.errors.count == 4, "\(result.listing)")
    }
}
