import Foundation
import MailferryCore

/// Folder names as the state stores them: the components as a JSON array (`["INBOX","Sub"]`), so a
/// component that contains "/" (possible on a server with another delimiter) survives the round trip.
enum StoredMailboxPath {
    static func text(_ path: MailboxPath) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // JSON of an array of strings cannot fail to encode.
        guard let data = try? encoder.encode(path.components), let text = String(data: data, encoding: .utf8)
        else { return "[]" }
        return text
    }

    static func path(_ text: String) throws(LedgerError) -> MailboxPath {
        guard let components = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw .database(reason: "a stored folder name is malformed: \(text)")
        }
        return MailboxPath(components: components)
    }
}
