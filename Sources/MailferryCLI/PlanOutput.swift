import MailferryCore

/// Prints a plan in one of the plan formats and writes `--out`; shared by `plan` and `apply --dry-run`,
/// so that both show the same diff.
struct PlanOutput {
    var format: PlanFormat
    var outputFile: String?

    func emit(_ plan: MigrationPlan) throws {
        let json = outputFile != nil || format == .json ? try Self.json(plan) : nil
        if let outputFile, let json { try AtomicFileWriter.write(json, to: outputFile) }
        let console = Console()
        switch format {
        case .text:
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            console.write(TextPlanRenderer(colors: colors).render(plan))
        case .markdown:
            console.write(MarkdownPlanRenderer().render(plan))
        case .json:
            if let json { console.write(json) }
        }
        let unreachable = plan.summary.usersUnreachable
        if unreachable > 0 {
            let users = "\(unreachable) of \(plan.summary.users) \(plan.summary.users == 1 ? "user" : "users")"
            console.writeError("mailferry: error: \(users) could not be reached (marked ! in the plan)\n")
        }
    }

    /// The plan's JSON (SPEC section 4), encoded a user at a time.
    static func json(_ plan: MigrationPlan) throws -> String {
        var head = plan
        head.users = []
        return try StableJSON.encode(head, endingWith: "users", elements: plan.users) ?? StableJSON.encode(plan)
    }
}
