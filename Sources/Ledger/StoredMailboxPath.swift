import Foundation
import MailferryCore

/// Folder names as the state stores them: the components as a JSON array (`["INBOX","Sub"]`), so a
/// component that contains "/" (possible on a server with another delimiter) survives the round trip.
/// Written and read once per baseline row (a mailbox of 200,000 messages has as many), so the
/// common case of printable ASCII without quotes or backslashes, whose JSON needs no escaping, is
/// written and read directly; anything else goes through Foundation's JSON coders.
enum StoredMailboxPath {
    static func text(_ path: MailboxPath) -> String {
        if path.components.allSatisfy(needsNoEscaping) {
            return "[" + path.components.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // JSON of an array of strings cannot fail to encode.
        guard let data = try? encoder.encode(path.components), let text = String(data: data, encoding: .utf8)
        else { return "[]" }
        return text
    }

    static func path(_ text: String) throws(LedgerError) -> MailboxPath {
        if text.hasPrefix("[\""), text.hasSuffix("\"]"), text.utf8.count >= 4 {
            let components = text.dropFirst(2).dropLast(2).components(separatedBy: "\",\"")
            if components.allSatisfy(needsNoEscaping) { return MailboxPath(components: components) }
        }
        guard let components = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw .database(reason: "a stored folder name is malformed: \(text)")
        }
        return MailboxPath(components: components)
    }

    /// Printable ASCII other than `"` and `\`: written in JSON as it is.
    private static func needsNoEscaping(_ component: String) -> Bool {
        component.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }
}
