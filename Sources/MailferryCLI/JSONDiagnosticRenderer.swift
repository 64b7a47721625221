import Foundation
import MailferryCore

/// `--format json`: an array of `{severity, file, line, column, message}` in the order given
/// (callers pass `sortedForOutput()`), keys sorted, absent positions as `null`; then one entry of
/// severity `note` per job with its users file's mailbox count.
enum JSONDiagnosticRenderer {
    private struct Entry: Encodable {
        var severity: String
        var file: String?
        var line: Int?
        var column: Int?
        var message: String

        enum CodingKeys: String, CodingKey { case severity, file, line, column, message }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(severity, forKey: .severity)
            try container.encode(file, forKey: .file)
            try container.encode(line, forKey: .line)
            try container.encode(column, forKey: .column)
            try container.encode(message, forKey: .message)
        }
    }

    static func render(_ diagnostics: [Diagnostic], notes: [MailboxCountNote] = []) throws -> String {
        // Foundation pretty-prints an empty array across lines; keep it to the obvious `[]`.
        if diagnostics.isEmpty && notes.isEmpty { return "[]\n" }
        let entries = diagnostics.map { diagnostic in
            Entry(
                severity: diagnostic.severity.rawValue, file: diagnostic.location?.file,
                line: diagnostic.location?.line, column: diagnostic.location?.column, message: diagnostic.message)
        }
        let noteEntries = notes.map {
            Entry(severity: "note", file: $0.usersFile, line: nil, column: nil, message: $0.message)
        }
        return try StableJSON.encode(entries + noteEntries)
    }
}
