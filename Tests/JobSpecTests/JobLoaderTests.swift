import Foundation
import JobSpec
import MailferryCore
import Testing

@Suite("JobLoader: whole job files")
struct JobLoaderTests {
    @Test func validJobGivesAJobWithDefaults() throws {
        let fixture = try JobFixture(job: Jobs.validIMAP)
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        let job = try #require(result.job)
        #expect(job.name == "test-job")
        #expect(!job.nameIsDerived)
        #expect(job.file == fixture.jobPath)
        #expect(job.source.host == "mail.old.example")
        #expect(job.source.protocol == .auto)
        #expect(job.source.ports == SourceServer.Ports())
        #expect(job.source.starttls == .required)
        #expect(job.source.timeout == .seconds(120))
        guard case .imap(let imap) = job.destination else {
            Issue.record("expected an IMAP destination")
            return
        }
        #expect(imap.port == 993)
        #expect(imap.security == .tls)
        #expect(job.options == MigrationOptions())
        #expect(job.folders == FolderRules())
        #expect(job.usersFile.delimiter == ",")
        #expect(result.usersFile == fixture.usersPath)
        #expect(job.accounts.count == 1)
        #expect(job.accounts.first?.destinationUser == "alice")
        #expect(job.accounts.first?.localPassword?.revealed() == "alice-NewSecret1")
    }

    @Test func everyErrorInTheFileIsReportedInOnePass() throws {
        let fixture = try JobFixture(
            job: """
                version: ‸2
                name: multi
                source:
                  host: mail.old.example
                  protocol: ‸imap5
                  ports:
                    imap4: ‸70000
                  ‸colour: blue
                destination:
                  imap:
                    host: mail.new.example
                    security: ‸tsl
                users:
                  file: users.csv
                options:
                  concurrency: ‸0
                  since: ‸2015-13-01
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.job == nil)
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "version 2")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "did you mean 'imap4'?")
        expectDiagnostic(result, .error, at: fixture.jobMark(2), containing: "out of range")
        expectDiagnostic(result, .error, at: fixture.jobMark(3), containing: "unknown key 'colour'")
        expectDiagnostic(result, .error, at: fixture.jobMark(4), containing: "did you mean 'tls'?")
        expectDiagnostic(result, .error, at: fixture.jobMark(5), containing: "at least 1")
        expectDiagnostic(result, .error, at: fixture.jobMark(6), containing: "YYYY-MM-DD")
        #expect(result.errors.count == 7, "\(result.listing)")
    }

    @Test func diagnosticsAreSortedForOutput() throws {
        let fixture = try JobFixture(
            job: """
                version: 1
                source:
                  host: mail.old.example
                  timeout: ‸soon
                destination:
                  imap:
                    host: ‸"bad host"
                users:
                  file: users.csv
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.diagnostics == result.diagnostics.sortedForOutput())
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "not a duration")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "not a hostname")
    }

    @Test func missingJobFileIsADiagnosticNotACrash() {
        let result = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: "/nonexistent/job.yaml")
        #expect(result.job == nil)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("not found") == true)
    }

    @Test func emptyJobFileIsAnError() throws {
        let fixture = try JobFixture(job: "# nothing here\n")
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.job == nil)
        expectDiagnostic(result, .error, at: Location(file: fixture.jobPath, line: 1, column: 1), containing: "empty")
    }

    @Test func rootThatIsNotAMappingIsAnError() throws {
        let fixture = try JobFixture(job: "‸- version: 1\n")
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "expected a mapping")
    }

    @Test func loadWithContentsUsesTheGivenText() throws {
        let fixture = try JobFixture(job: "version: 1\n")
        defer { fixture.remove() }
        let result = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: fixture.jobPath, contents: Jobs.validIMAP)
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        #expect(result.job?.name == "test-job")
    }
}
