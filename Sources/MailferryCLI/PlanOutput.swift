import MailferryCore

/// Prints a plan in one of the plan formats and writes `--out`; shared by `plan` and `apply --dry-run`,
/// so that both show the same diff. Each user is rendered as soon as it is planned and kept in a
/// `PieceSpool`; `emit` then writes the header (which needs the summary of all users), the users'
/// pieces in the plan's order, and the end. So no plan, and no output, is ever whole in memory.
final class PlanOutput: UserPlanSink {
    private let format: PlanFormat
    private let outputFile: String?
    private let text: TextPlanRenderer
    /// Its `limit` keeps a comment under GitHub's size limit.
    var markdown = MarkdownPlanRenderer()
    private let pieces: PieceSpool
    /// Standard output, or a test's string.
    private let write: (String) -> Void
    /// The spool's slot for the console's piece of each user, and for the JSON of `--out`.
    private static let consoleSlot = 0
    private static let fileSlot = 1

    init(
        format: PlanFormat, outputFile: String?, users: Int, colors: Bool,
        write: @escaping (String) -> Void = Console().write
    ) throws(CLIError) {
        self.format = format
        self.outputFile = outputFile
        text = TextPlanRenderer(colors: colors)
        pieces = try PieceSpool(count: users, slots: 2)
        self.write = write
    }

    /// To standard output, colored on a terminal (`Console.colorsEnabled`).
    convenience init(format: PlanFormat, outputFile: String?, users: Int) throws(CLIError) {
        try self.init(
            format: format, outputFile: outputFile, users: users,
            colors: Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment))
    }

    func store(_ user: UserPlan, at index: Int) throws(CLIError) {
        let console: String
        switch format {
        case .text: console = text.piece(user)
        case .markdown: console = markdown.section(user)
        case .json: console = try Self.jsonElement(user)
        }
        try pieces.store(console, at: index, slot: Self.consoleSlot)
        if outputFile != nil, format != .json {
            try pieces.store(try Self.jsonElement(user), at: index, slot: Self.fileSlot)
        }
    }

    /// Prints the plan whose head (the plan without its users, its summary counting them) is `head`,
    /// with the users stored so far, and writes `--out`.
    func emit(_ head: MigrationPlan) throws {
        try writeOutputFile(head)
        switch format {
        case .text:
            write(text.header(head))
            try pieces.forEachPart(slot: Self.consoleSlot) { part, _ in write(part) }
            write(text.footer(head))
        case .markdown:
            let header = markdown.header(head)
            let lengths = pieces.lengths(slot: Self.consoleSlot).compactMap { $0 }
            let fit = markdown.sectionsThatFit(headerLength: header.utf8.count, sectionLengths: lengths)
            write(header)
            try pieces.forEachPart(slot: Self.consoleSlot, prefix: fit) { part, _ in write(part) }
            if fit < lengths.count { write(markdown.truncationNote(lengths.count - fit)) }
        case .json:
            try json(head, slot: Self.consoleSlot, to: write)
        }
        let unreachable = head.summary.usersUnreachable
        if unreachable > 0 {
            let users = "\(unreachable) of \(head.summary.users) \(head.summary.users == 1 ? "user" : "users")"
            Console().writeError("mailferry: error: \(users) could not be reached (marked ! in the plan)\n")
        }
    }

    /// `--out`, atomically: the plan's JSON whatever the format.
    func writeOutputFile(_ head: MigrationPlan) throws {
        guard let outputFile else { return }
        let slot = format == .json ? Self.consoleSlot : Self.fileSlot
        try AtomicFileWriter.write(to: outputFile) { output in try json(head, slot: slot, to: output) }
    }

    /// The plan's JSON (SPEC section 4): the head, then the users' elements from `slot`.
    private func json(_ head: MigrationPlan, slot: Int, to output: (String) throws -> Void) throws {
        var head = head
        head.users = []
        guard let opening = try StableJSON.opening(head, endingWith: "users") else { throw CLIError.jsonLayout("plan") }
        try StableJSON.write(
            opening: opening, encodedElements: { body in try pieces.forEachPart(slot: slot, body) }, to: output)
    }

    private static func jsonElement(_ user: UserPlan) throws(CLIError) -> String {
        do {
            return try StableJSON.element(user)
        } catch {
            throw .jsonLayout("plan")
        }
    }
}
