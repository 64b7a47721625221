import Engine

/// One user's manifest entries while `verify` checks the user's mailbox: each message's entry is
/// encoded as soon as it is checked and kept in a temporary file (`PieceSpool`), so that no mailbox
/// is held whole, whatever its size; `VerifyOutput` copies them into the user's entry once the user
/// is verified.
///
/// Unchecked: one task at a time uses it. The user's verification adds the entries, then hands the
/// spool over with its result (`UserVerification`) to the task that writes the output, which reads them.
final class ManifestEntrySpool: @unchecked Sendable {
    private let pieces: PieceSpool
    private var isEmpty = true

    init() throws(CLIError) {
        pieces = try PieceSpool(count: 1, slots: 1)
    }

    /// Adds `check`'s entry after those added before.
    func add(_ check: MessageCheck) throws(CLIError) {
        let entry: String
        do {
            entry = try StableJSON.element(VerifyDocument.Message(check: check), depth: 2)
        } catch {
            throw .jsonLayout(VerifyDocument.documentName)
        }
        if isEmpty {
            try pieces.store(entry, at: 0, slot: 0)
            isEmpty = false
        } else {
            try pieces.appendToLastPiece(StableJSON.separator + entry)
        }
    }

    /// The entries, joined as the manifest's array holds them, in parts.
    func forEachPart(_ body: (String) throws -> Void) throws {
        try pieces.forEachPart(slot: 0) { part, _ in try body(part) }
    }
}
