import Engine
import Foundation

/// One user's manifest entries while `verify` checks the user's mailbox: each message's entry is
/// encoded as soon as it is checked and kept in temporary files, so that no folder is held whole,
/// whatever its size; `VerifyOutput` copies them into the user's entry once the user is verified.
///
/// A folder's checks come in the order they settle, and the manifest lists them by UID: each
/// folder's entries wait in a scratch file, with only their UIDs and places in memory (16 bytes a
/// message), and go to the user's entries in UID order when the folder ends.
///
/// Unchecked: one task at a time uses it. The user's verification adds the entries, then hands the
/// spool over with its result (`UserVerification`) to the task that writes the output, which reads them.
final class ManifestEntrySpool: @unchecked Sendable {
    /// The user's entries so far, in the manifest's order, joined by `StableJSON.separator`.
    private let entries: PieceSpool
    private var isEmpty = true
    /// The folder being checked: each entry after a separator, in the order checked.
    private let scratch: TemporaryFile
    private var folder: [(uid: UInt32, offset: UInt32, length: UInt32)] = []

    init(directory: URL = FileManager.default.temporaryDirectory) throws(CLIError) {
        entries = try PieceSpool(count: 1, slots: 1, directory: directory)
        scratch = try TemporaryFile(directory: directory)
    }

    /// Adds `check`'s entry to its folder's.
    func add(_ check: MessageCheck) throws(CLIError) {
        let entry: String
        do {
            entry = StableJSON.separator + (try StableJSON.element(VerifyDocument.Message(check: check), depth: 2))
        } catch {
            throw .jsonLayout(VerifyDocument.documentName)
        }
        let offset = try scratch.append(entry)
        // A folder's scratch past 4 GiB would need wider places: its entries go out early then, in
        // UID order as far as they go (a folder of millions of messages).
        guard let start = UInt32(exactly: offset), let length = UInt32(exactly: entry.utf8.count) else {
            try endFolder()
            return try add(check)
        }
        folder.append((check.sourceUID, start, length))
    }

    /// The folder's entries are all added: they join the user's, by UID.
    func endFolder() throws(CLIError) {
        folder.sort { $0.uid < $1.uid }
        var index = folder.startIndex
        while index < folder.endIndex {
            // Entries next to each other in the scratch file (all of them, for a folder checked in
            // UID order) are read together, up to a part's size.
            var end = index + 1
            var length = Int(folder[index].length)
            while end < folder.endIndex, folder[end].offset == folder[end - 1].offset + folder[end - 1].length,
                length + Int(folder[end].length) <= PieceSpool.partSize
            {
                length += Int(folder[end].length)
                end += 1
            }
            var text = String(
                decoding: try scratch.read(at: UInt64(folder[index].offset), count: length), as: UTF8.self)
            if isEmpty {
                text.removeFirst(StableJSON.separator.count)
                try entries.store(text, at: 0, slot: 0)
                isEmpty = false
            } else {
                try entries.appendToLastPiece(text)
            }
            index = end
        }
        folder = []
        try scratch.removeAll()
    }

    /// The entries, joined as the manifest's array holds them, in parts.
    func forEachPart(_ body: (String) throws -> Void) throws {
        try entries.forEachPart(slot: 0) { part, _ in try body(part) }
    }
}
