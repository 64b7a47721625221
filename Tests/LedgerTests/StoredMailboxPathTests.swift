import Foundation
import MailferryCore
import Testing

@testable import Ledger

@Suite struct StoredMailboxPathTests {
    static let paths: [[String]] = [
        ["INBOX"], ["INBOX", "Sub"], ["Archive", "2019"], ["a/b", "c"], ["Quote \"x\""], ["back\\slash"],
        ["Entwürfe"], ["日本語", "メール"], ["tab\there"], ["comma\",\"inside"], ["]", "["], ["\",\""], [" lead", "trail "],
    ]

    /// What the state has always stored: Foundation's JSON of the components.
    static func foundationText(_ components: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(components), as: UTF8.self)
    }

    @Test(arguments: paths)
    func writtenAsFoundationWritesItAndReadBack(components: [String]) throws {
        let path = MailboxPath(components: components)
        let text = StoredMailboxPath.text(path)
        #expect(text == (try Self.foundationText(path.components)))
        #expect(try StoredMailboxPath.path(text) == path)
        // Text written by Foundation with other spacing or escapes reads the same.
        let escaped = try Self.foundationText(path.components).replacingOccurrences(of: "/", with: "\\/")
        #expect(try StoredMailboxPath.path(escaped) == path)
    }

    @Test func malformedTextIsAnError() {
        for text in ["", "[", "[\"unterminated]", "{\"a\":1}", "[\"a\" \"b\"]"] {
            #expect(throws: LedgerError.self) { try StoredMailboxPath.path(text) }
        }
    }
}
