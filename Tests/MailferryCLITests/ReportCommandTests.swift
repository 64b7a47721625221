import Foundation
import Ledger
import Testing

/// `mailferry report` from a recorded run, as the built binary: every state, explained errors,
/// escaped user names, strict HTML.
@Suite struct ReportCommandTests {
    static let hostile = "<img src=x onerror=alert(1)>&amp\u{7F}\u{85}"

    @Test func htmlShowsEveryUserEscapedAndParsesStrictly() async throws {
        let fixture = try JobFixture(users: JobFixture.validUsers + "\(Self.hostile),Hostile-SECRET-pw\n")
        defer { fixture.remove() }
        let ledger = try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        ledger.log(sourceUser: "bob").write("failed INBOX uid 9: \(LedgerSamples.partialError)", at: Date())
        let out = fixture.path("report.html")
        let result = try await MailferryBinary.locate().run(["report", fixture.jobPath, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let page = try String(contentsOfFile: out, encoding: .utf8)
        for (user, state) in [("alice", "done"), ("bob", "partial"), ("carol@old.example", "failed")] {
            #expect(page.contains("data-user=\"\(user)\" data-state=\"\(state)\""))
        }
        #expect(
            page.contains(
                "data-user=\"&lt;img src=x onerror=alert(1)&gt;&amp;amp\u{FFFD}\u{FFFD}\" data-state=\"not_started\""))
        #expect(!page.contains("<img"))
        // Both errors explained from the catalogue.
        #expect(page.contains("Raise the quota and run <code>apply</code> again; it resumes."))
        #expect(page.contains("Check the password in the users file"))
        #expect(page.contains("download=\"bob.log\""))
        for secret in JobFixture.userPasswords + ["Hostile-SECRET-pw"] { #expect(!page.contains(secret)) }
        let parsed = try await ExternalProgram.run([
            "/opt/mailferry-venv/bin/python", "-c",
            "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb').read()); print('ok')",
            out,
        ])
        #expect(parsed.stdout == "ok\n", "html5lib: \(parsed.stdout)\(parsed.stderr)")
    }

    /// Logs never hold a password; should a user's own one get there, the log the page carries has
    /// it blanked out. Each log is read for its row only.
    @Test func aUsersPasswordInItsLogIsBlankedOutOfTheCarriedLog() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let ledger = try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        ledger.log(sourceUser: "bob").write("server said: no such user bob/\(JobFixture.userPasswords[1])", at: Date())
        let out = fixture.path("report.html")
        let result = try await MailferryBinary.locate().run(["report", fixture.jobPath, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: out, encoding: .utf8)
        let prefix = "download=\"bob.log\" href=\"data:text/plain;charset=utf-8;base64,"
        let start = try #require(page.range(of: prefix)).upperBound
        let encoded = page[start...].prefix { $0 != "\"" }
        let log = String(decoding: try #require(Data(base64Encoded: String(encoded))), as: UTF8.self)
        #expect(log.contains("server said: no such user bob/[redacted]"))
        #expect(!log.contains(JobFixture.userPasswords[1]))
    }

    @Test func jsonMatchesItsSchema() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        let result = try await MailferryBinary.locate().run(["report", "--format", "json", fixture.jobPath])
        #expect(result.status == 0, "\(result.stderr)")
        let schema = MailferryBinary.packageRoot.appendingPathComponent("schemas/report.schema.json").path
        #expect(try PythonJSONSchema.locate().errors(validating: result.stdout, against: schema) == nil)
        #expect(result.stdout.contains("\"folders_failed\" : 1"))
        #expect(result.stdout.contains("\"name\" : \"quota exceeded\""))
    }
}
