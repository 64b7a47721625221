import MailferryCore
import Testing

@testable import MailferryCLI

@Suite struct GitHubDiagnosticRendererTests {
    @Test func annotationCarriesFileLineAndColumn() {
        let diagnostic = Diagnostic.error(
            "unknown key 'hots'", at: SourceLocation(file: "jobs/a.yaml", line: 4, column: 3))
        #expect(
            GitHubDiagnosticRenderer.render([diagnostic])
                == "::error file=jobs/a.yaml,line=4,col=3::unknown key 'hots'\n")
    }

    @Test func warningsAndMissingLocations() {
        #expect(GitHubDiagnosticRenderer.render([.warning("w", at: nil)]) == "::warning::w\n")
    }

    @Test func messageEscapesPercentCarriageReturnAndLineFeed() {
        #expect(GitHubDiagnosticRenderer.escapeData("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b")
    }

    @Test func propertiesAlsoEscapeColonAndComma() {
        let diagnostic = Diagnostic.error("m", at: SourceLocation(file: "c:/jobs,1%.yaml", line: 1, column: 2))
        #expect(GitHubDiagnosticRenderer.render([diagnostic]) == "::error file=c%3A/jobs%2C1%25.yaml,line=1,col=2::m\n")
    }
}
