import Foundation
import Testing

/// `mailferry validate`, run as the built binary.
@Suite struct ValidateCommandTests {
    static let brokenJob = """
        version: 1
        source:
          host: mail.old.example
          protocol: imap5
          ports:
            imap4: 70000
        destination:
          imap:
            host: mail.new.example
        users:
          file: users.csv

        """

    /// A valid job with a warning (TLS verification off).
    static let warningJob = JobFixture.validJob.replacingOccurrences(
        of: "  protocol: auto\n", with: "  protocol: auto\n  tls: { verify: false }\n")

    @Test func validJobExitsZero() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(
            ["validate", fixture.jobPath], environment: JobFixture.environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "\(fixture.path("users.csv")): note: 3 mailboxes (job \(fixture.jobPath))\n")
        #expect(result.stderr.contains("0 errors, 0 warnings"))
    }

    @Test func brokenJobPrintsEveryErrorAtItsPositionWithCaret() async throws {
        let fixture = try JobFixture(job: Self.brokenJob)
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(["validate", fixture.jobPath])
        #expect(result.status == 1)
        for value in ["imap5", "70000"] {
            let position = try #require(JobFixture.position(of: value, in: Self.brokenJob))
            let prefix = "\(fixture.jobPath):\(position.line):\(position.column): error: "
            #expect(result.stdout.contains(prefix), "missing \(prefix) in:\n\(result.stdout)")
            let sourceLine = Self.brokenJob.split(separator: "\n")[position.line - 1]
            let caret = String(repeating: " ", count: position.column - 1) + "^"
            #expect(result.stdout.contains("\(sourceLine)\n\(caret)\n"))
        }
        #expect(!result.stdout.contains("\u{1B}["), "no colors when stdout is not a terminal")
        #expect(result.stderr.contains("errors"))
    }

    @Test func strictTurnsWarningsIntoErrors() async throws {
        let fixture = try JobFixture(job: Self.warningJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let lenient = try await binary.run(["validate", fixture.jobPath], environment: JobFixture.environment)
        #expect(lenient.status == 0, "\(lenient.stdout)\(lenient.stderr)")
        #expect(lenient.stdout.contains(": warning: "))
        let strict = try await binary.run(
            ["validate", "--strict", fixture.jobPath], environment: JobFixture.environment)
        #expect(strict.status == 1)
        #expect(strict.stdout.contains(": error: "))
        #expect(!strict.stdout.contains(": warning: "))
    }

    @Test func githubFormatPrintsAnnotations() async throws {
        let fixture = try JobFixture(job: Self.brokenJob)
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(["validate", "--format", "github", fixture.jobPath])
        #expect(result.status == 1)
        let position = try #require(JobFixture.position(of: "imap5", in: Self.brokenJob))
        let file = fixture.jobPath.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        #expect(result.stdout.contains("::error file=\(file),line=\(position.line),col=\(position.column)::"))
        for line in result.stdout.split(separator: "\n") {
            #expect(line.hasPrefix("::error") || line.hasPrefix("::warning") || line.hasPrefix("::notice"))
        }
        #expect(
            result.stdout.hasSuffix(
                "::notice file=\(fixture.path("users.csv").replacingOccurrences(of: ":", with: "%3A"))::"
                    + "\(fixture.path("users.csv")): 0 mailboxes, not counting 3 lines with errors (job \(fixture.jobPath))\n"
            ))
    }

    @Test func jsonFormatIsASortedStableArray() async throws {
        let fixture = try JobFixture(job: Self.brokenJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let result = try await binary.run(["validate", "--format", "json", fixture.jobPath])
        #expect(result.status == 1)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(!entries.isEmpty)
        for entry in entries {
            #expect(Set(entry.keys) == ["severity", "file", "line", "column", "message"])
        }
        // The users file's mailbox count comes last, as a note without a line.
        #expect(entries.last?["severity"] as? String == "note")
        #expect(entries.last?["file"] as? String == fixture.path("users.csv"))
        let diagnostics = entries.filter { $0["severity"] as? String != "note" }
        #expect(diagnostics.count == entries.count - 1)
        // Sorted by file, then line, then column.
        let keys = diagnostics.compactMap { entry -> (String, Int, Int)? in
            guard let file = entry["file"] as? String, let line = entry["line"] as? Int,
                let column = entry["column"] as? Int
            else { return nil }
            return (file, line, column)
        }
        #expect(keys.count == diagnostics.count)
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 })
        let again = try await binary.run(["validate", "--format", "json", fixture.jobPath])
        #expect(again.stdout == result.stdout)
    }

    @Test func severalJobsMustHaveUniqueNames() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        try fixture.write(JobFixture.validJob, to: "copy.yaml")
        let binary = try MailferryBinary.locate()
        let result = try await binary.run(
            ["validate", fixture.jobPath, fixture.path("copy.yaml")], environment: JobFixture.environment)
        #expect(result.status == 1)
        #expect(result.stdout.contains("fixture-job"))
        #expect(result.stderr.contains("2 job files checked"))
    }

    @Test func missingArgumentsExitOneNotSixtyFour() async throws {
        let result = try await MailferryBinary.locate().run(["validate"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("at least one job file"))
        let unknownFormat = try await MailferryBinary.locate().run(["validate", "--format", "xml", "x.yaml"])
        #expect(unknownFormat.status == 1)
    }
}
