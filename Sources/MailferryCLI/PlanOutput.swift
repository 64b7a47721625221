import MailferryCore

/// Prints a plan in one of the plan formats and writes `--out`; shared by `plan` and `apply --dry-run`,
/// so that both show the same diff.
struct PlanOutput {
    var format: PlanFormat
    var outputFile: String?

    func emit(_ plan: MigrationPlan) throws {
        let json = try StableJSON.encode(plan)
        if let outputFile { try AtomicFileWriter.write(json, to: outputFile) }
        let console = Console()
        switch format {
        case .text:
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            console.write(TextPlanRenderer(colors: colors).render(plan))
        case .markdown:
            console.write(MarkdownPlanRenderer().render(plan))
        case .json:
            console.write(json)
        }
        let unreachable = plan.summary.usersUnreachable
        if unreachable > 0 {
            let users = "\(unreachable) of \(plan.summary.users) \(plan.summary.users == 1 ? "user" : "users")"
            console.writeError("mailferry: error: \(users) could not be reached (marked ! in the plan)\n")
        }
    }
}
