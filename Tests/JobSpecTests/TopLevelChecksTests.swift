import Foundation
import JobSpec
import MailferryCore
import Testing

@Suite("Job file: version, name, keys, YAML syntax")
struct TopLevelChecksTests {
    @Test func versionMustBeOne() throws {
        let fixture = try JobFixture(job: Jobs.validIMAP.replacingOccurrences(of: "version: 1", with: "version: ‸3"))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "unsupported version 3")
    }

    @Test func versionMustBeAnInteger() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "version: 1", with: "version: ‸\"1\""))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "expected an integer")
    }

    @Test func missingRequiredKeysAreReportedAtTheEnclosingKey() throws {
        let fixture = try JobFixture(
            job: """
                ‸name: partial
                ‸source:
                  protocol: imap4s
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        for key in ["version", "destination", "users"] {
            expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "missing required key '\(key)'")
        }
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "missing required key 'host'")
    }

    @Test func unknownKeyGetsDidYouMean() throws {
        let fixture = try JobFixture(job: Jobs.validIMAP + "\n‸optoins:\n  flags: true\n")
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0),
            containing: "unknown key 'optoins' at the top level; did you mean 'options'?")
    }

    @Test func unknownKeyFarFromEveryKnownKeyGetsNoSuggestion() throws {
        let fixture = try JobFixture(job: Jobs.validIMAP + "\n‸completely_unrelated: 1\n")
        defer { fixture.remove() }
        let result = fixture.load()
        let diagnostic = try #require(result.diagnostics(at: fixture.jobMark(0)).first)
        #expect(diagnostic.message == "unknown key 'completely_unrelated' at the top level")
    }

    @Test(arguments: ["bad name", "x/y", String(repeating: "a", count: 65), "ünïcode", " padded"])
    func invalidNameIsAnErrorAtItsValue(name: String) throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "name: test-job", with: "name: ‸\"\(name)\""))
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0), containing: "must be 1 to 64 of A-Z a-z 0-9 . _ -")
    }

    @Test func validNameUsesEveryAllowedCharacter() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "name: test-job", with: "name: Batch_1.v-2"))
        defer { fixture.remove() }
        #expect(fixture.load().job?.name == "Batch_1.v-2")
    }

    @Test(arguments: ["", "name:\n", "name: \"\"\n", "name: \"  \"\n"])
    func blankOrAbsentNameIsDerivedFromThePath(nameLine: String) throws {
        let text = Jobs.validIMAP.replacingOccurrences(of: "name: test-job\n", with: nameLine)
        let fixture = try JobFixture(job: text)
        defer { fixture.remove() }
        let first = try #require(fixture.load().job)
        #expect(first.nameIsDerived)
        #expect(!first.name.isEmpty && first.name.allSatisfy(\.isNumber))
        #expect(first.name.count <= 64)
        // Deterministic: the same file gives the same name, however its path is spelled.
        let again = try #require(fixture.load().job)
        #expect(again.name == first.name)
        try FileManager.default.createDirectory(
            at: fixture.directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let spelled = fixture.directory.path + "/./sub/../job.yaml"
        let respelled = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: spelled)
        #expect(respelled.job?.name == first.name)
        // Another file gets another name.
        try text.write(
            toFile: fixture.directory.appendingPathComponent("other.yaml").path, atomically: true, encoding: .utf8)
        let other = JobLoader(gitTrackedCheck: { _ in false })
            .load(jobFile: fixture.directory.appendingPathComponent("other.yaml").path)
        #expect(other.job?.name != first.name)
        #expect(other.job?.nameIsDerived == true)
    }

    @Test func duplicateKeysAreErrorsAtTheLaterKeyAlongsideOtherErrors() throws {
        let fixture = try JobFixture(
            job: """
                version: 1
                name: dup
                source:
                  host: mail.old.example
                  ‸host: mail.other.example
                  ports: { imap4: 143, ‸imap4: 144, pop3: ‸99999 }
                destination:
                  imap:
                    host: mail.new.example
                users:
                  file: users.csv
                ‸name: dup-again
                ‸name: dup-third
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.job == nil)
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing: "duplicate key 'host' for 'source' (first at line 4, column 3)")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "duplicate key 'imap4'")
        expectDiagnostic(result, .error, at: fixture.jobMark(2), containing: "out of range")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(3), containing: "duplicate key 'name' (first at line 2, column 1)")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(4), containing: "duplicate key 'name' (first at line 2, column 1)")
        #expect(result.errors.count == 5, "\(result.listing)")
    }

    @Test func duplicateQuotedKeysInTranslateAreFound() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP + """

                folders:
                  translate:
                    "Sent Items": Sent
                    ‸"Sent Items": Sent2
                """)
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "duplicate key 'Sent Items'")
    }

    @Test func yamlSyntaxErrorIsReportedWhereLibyamlFindsIt() throws {
        let fixture = try JobFixture(
            job: """
                version: 1
                source:
                  host: mail.old.example
                  protocol: [imap4
                destination‸:
                  imap: {}
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.job == nil)
        #expect(result.errors.count == 1)
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "invalid YAML")
    }

    @Test func tabIndentationIsASyntaxError() throws {
        let fixture = try JobFixture(job: "version: 1\nsource:\n‸\thost: x\n")
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("invalid YAML") == true)
        #expect(result.errors.first?.location?.line == fixture.jobMark(0).line)
    }
}
