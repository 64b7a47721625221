import MailferryCore
import Testing

@testable import MailferryCLI

@Suite struct TextDiagnosticRendererTests {
    private func renderer(files: [String: String], colors: Bool = false, redactions: [String: SnippetRedaction] = [:])
        -> TextDiagnosticRenderer
    {
        TextDiagnosticRenderer(colors: colors, sources: SourceLines(redactions: redactions, readFile: { files[$0] }))
    }

    @Test func printsLocationSeverityMessageSourceLineAndCaret() {
        let source = "version: 1\nsource:\n  protocol: imap5\n"
        var text = renderer(files: ["job.yaml": source])
        let output = text.render([.error("unknown protocol", at: SourceLocation(file: "job.yaml", line: 3, column: 13))]
        )
        #expect(output == "job.yaml:3:13: error: unknown protocol\n  protocol: imap5\n            ^\n")
    }

    @Test func warningWithoutReadableFileHasNoSnippet() {
        var text = renderer(files: [:])
        let output = text.render([
            .warning("tls verify is off", at: SourceLocation(file: "gone.yaml", line: 2, column: 5))
        ])
        #expect(output == "gone.yaml:2:5: warning: tls verify is off\n")
    }

    @Test func diagnosticWithoutLocationHasNoPrefix() {
        var text = renderer(files: [:])
        #expect(text.render([.error("users file missing", at: nil)]) == "error: users file missing\n")
    }

    @Test func usersFileLinesAreMasked() {
        var text = renderer(
            files: ["users.csv": "alice,TopSecret1,a,b,c\n"], redactions: ["users.csv": .usersFile(delimiter: ",")])
        let output = text.render([.error("5 fields", at: SourceLocation(file: "users.csv", line: 1, column: 19))])
        #expect(!output.contains("TopSecret1"))
        #expect(output.contains("alice,**********,*,*,*\n                  ^\n"))
    }

    @Test func colorsOnlyWhenAsked() {
        let location = SourceLocation(file: "j.yaml", line: 1, column: 1)
        var plain = renderer(files: ["j.yaml": "x"])
        #expect(!plain.render([.error("m", at: location)]).contains("\u{1B}["))
        var colored = renderer(files: ["j.yaml": "x"], colors: true)
        #expect(colored.render([.error("m", at: location)]).contains("\u{1B}[1;31merror:\u{1B}[0m"))
    }

    @Test func summaryCountsWithPlurals() {
        let location = SourceLocation(file: "j", line: 1, column: 1)
        let diagnostics: [Diagnostic] = [.error("a", at: location), .error("b", at: location), .warning("c", at: nil)]
        #expect(DiagnosticCounts(diagnostics).summary == "2 errors, 1 warning")
        #expect(DiagnosticCounts([]).summary == "0 errors, 0 warnings")
    }
}
