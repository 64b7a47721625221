import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

@Suite struct JSONDiagnosticRendererTests {
    @Test func arrayOfSortedKeysWithNullForMissingPositions() throws {
        let diagnostics: [Diagnostic] = [
            .warning("no position", at: nil),
            .error("bad port", at: SourceLocation(file: "jobs/a.yaml", line: 7, column: 12)),
        ]
        let json = try JSONDiagnosticRenderer.render(diagnostics.sortedForOutput())
        #expect(json.hasSuffix("]\n"))
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(decoded.count == 2)
        #expect(decoded[0]["file"] is NSNull)
        #expect(decoded[0]["severity"] as? String == "warning")
        #expect(decoded[1]["file"] as? String == "jobs/a.yaml")
        #expect(decoded[1]["line"] as? Int == 7)
        #expect(decoded[1]["column"] as? Int == 12)
        #expect(decoded[1]["message"] as? String == "bad port")
        #expect(Set(decoded[1].keys) == ["severity", "file", "line", "column", "message"])
        // Keys are sorted, so the bytes are stable.
        let column = try #require(json.range(of: "\"column\""))
        let severity = try #require(json.range(of: "\"severity\""))
        #expect(column.lowerBound < severity.lowerBound)
        #expect(try JSONDiagnosticRenderer.render(diagnostics.sortedForOutput()) == json)
    }

    @Test func emptyIsAnEmptyArray() throws {
        let json = try JSONDiagnosticRenderer.render([])
        #expect(json == "[]\n")
    }
}
