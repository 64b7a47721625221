import MailferryCore

/// Prints `verify`'s result and writes `--out` a user at a time, as `PlanOutput` does for a plan:
/// each user is rendered as soon as it is verified and kept in a `PieceSpool`, with its state in a
/// `VerificationTally`; `emit` then writes the header (the JSON's summary counts every user), the
/// users' pieces in the users file's order, and the end. No user's manifest waits for the others.
final class VerifyOutput {
    private let format: VerifyFormat
    private let outputFile: String?
    private let text: VerifyTextRenderer
    private let pieces: PieceSpool
    /// Standard output, or a test's string.
    private let write: (String) -> Void
    private(set) var tally = VerificationTally()
    /// The spool's slot for the console's piece of each user, and for the JSON of `--out`.
    private static let consoleSlot = 0
    private static let fileSlot = 1

    init(
        format: VerifyFormat, outputFile: String?, users: Int, colors: Bool,
        write: @escaping (String) -> Void = Console().write
    ) throws(CLIError) {
        self.format = format
        self.outputFile = outputFile
        text = VerifyTextRenderer(colors: colors)
        pieces = try PieceSpool(count: users, slots: 2)
        self.write = write
    }

    /// Whether each user's manifest is written (`--format json`, `--out`): then every message's entry
    /// goes to the user's `ManifestEntrySpool` as it is checked.
    var writesManifest: Bool { format == .json || outputFile != nil }

    func store(_ user: UserVerification, at index: Int) throws(CLIError) {
        tally.add(user.state)
        if format == .text { try pieces.store(text.piece(user), at: index, slot: Self.consoleSlot) }
        if writesManifest { try storeManifestEntry(user, at: index) }
    }

    /// The user's manifest entry, in the console's slot for `--format json`, else in `--out`'s. Its
    /// messages come from the user's `ManifestEntrySpool` a part at a time, where it has one.
    private func storeManifestEntry(_ user: UserVerification, at index: Int) throws(CLIError) {
        let slot = format == .json ? Self.consoleSlot : Self.fileSlot
        do {
            guard let entries = user.entries, user.verification != nil else {
                return try pieces.store(try StableJSON.element(VerifyDocument.User(user: user)), at: index, slot: slot)
            }
            guard
                let (before, after) = try StableJSON.element(
                    VerifyDocument.User(user: user, listsMessages: false), around: "messages")
            else { throw CLIError.jsonLayout(VerifyDocument.documentName) }
            try pieces.store(before, at: index, slot: slot)
            try entries.forEachPart { part in try pieces.appendToLastPiece(part) }
            try pieces.appendToLastPiece(after)
        } catch let error as CLIError {
            throw error
        } catch {
            throw .jsonLayout(VerifyDocument.documentName)
        }
    }

    /// Writes `--out` and prints the users stored so far.
    func emit(job: MigrationPlan.JobReference, deep: Bool) throws {
        let head = VerifyDocument(job: job, deep: deep, tally: tally)
        if let outputFile {
            let slot = format == .json ? Self.consoleSlot : Self.fileSlot
            try AtomicFileWriter.write(to: outputFile) { output in try json(head, slot: slot, to: output) }
        }
        switch format {
        case .text:
            write(text.header(jobName: job.name, deep: deep))
            try pieces.forEachPart(slot: Self.consoleSlot) { part, _ in write(part) }
            write(text.footer(tally))
        case .json:
            try json(head, slot: Self.consoleSlot, to: write)
        }
    }

    /// The manifest (schemas/verify.schema.json): the head, then the users' entries from `slot`.
    private func json(_ head: VerifyDocument, slot: Int, to output: (String) throws -> Void) throws {
        guard let opening = try StableJSON.opening(head, endingWith: "users") else {
            throw CLIError.jsonLayout(VerifyDocument.documentName)
        }
        try StableJSON.write(
            opening: opening, encodedElements: { body in try pieces.forEachPart(slot: slot, body) }, to: output)
    }
}
