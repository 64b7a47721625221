import Foundation
import Testing

@testable import MailferryCLI

/// The catalogue reports explain errors with is docs/errors.md, row for row.
@Suite struct CLIErrorCatalogueTests {
    /// (message, meaning, action) of every row of the table in docs/errors.md.
    static func documentedRows() throws -> [String: (meaning: String, action: String)] {
        let text = try String(
            contentsOf: MailferryBinary.packageRoot.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        var rows: [String: (String, String)] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
            guard cells.count == 5, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }
            rows[String(cells[1].dropFirst().dropLast())] = (cells[3], cells[4])
        }
        return rows
    }

    @Test func everyEntryIsTheDocumentedRow() throws {
        let documented = try Self.documentedRows()
        #expect(ErrorCatalogue.entries.count >= 20)
        for entry in ErrorCatalogue.entries {
            let row = try #require(documented[entry.message], "docs/errors.md has no row for `\(entry.message)`")
            #expect(row.meaning == entry.meaning, "\(entry.message)")
            #expect(row.action == entry.action, "\(entry.message)")
        }
    }

    @Test func theLongestMatchingMessageExplains() {
        let tooLarge = ErrorCatalogue.explain(
            "message refused by the destination: message too large for the destination (limit 10 MiB)")
        #expect(tooLarge?.name == "message too large for the destination")
        #expect(ErrorCatalogue.explain("message refused by the destination: rejected")?.name == "message refused")
        #expect(ErrorCatalogue.explain("login failed at old:993: [AUTHENTICATIONFAILED]")?.name == "login failed")
        #expect(ErrorCatalogue.explain("something nobody catalogued") == nil)
    }
}
