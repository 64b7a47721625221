import ArgumentParser
import JobSpec
import MailferryCore

/// `mailferry plan JOB.yaml`: what apply would do, per user and folder. Only `--offline` exists in
/// this build; online planning (listing both servers' folders) comes with the engine.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would do for each user of a job.",
        discussion: """
            With --offline no server is contacted: each user shows the source endpoints in the order they \
            are tried, the destination account and the job's folder rules.
            Exit status: 0 success, 1 error. With --detailed-exitcode: 0 no changes, 1 error, 2 changes \
            present (an offline plan cannot prove that nothing would change, so it exits 2 when it \
            lists any user).
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @Flag(help: "Do not contact any server; plan from the job file and users file alone.")
    var offline = false

    @Option(help: "Output format: text, markdown (for a pull-request comment) or json.")
    var format: PlanFormat = .text

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp("Also write the plan JSON to this file (atomically), whatever --format says.", valueName: "PLAN.json")
    )
    var outputFile: String?

    @Flag(help: "Exit 0 when nothing would change, 2 when something would, 1 on error.")
    var detailedExitcode = false

    @OptionGroup var selection: UserSelectionOptions
    @OptionGroup var state: StateDirectoryOptions

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if outputFile?.isEmpty == true { throw ValidationError("--out needs a file path.") }
    }

    func run() async throws {
        let console = Console()
        let result = JobLoading().load(jobFile)
        let diagnostics = result.diagnostics.sortedForOutput()
        if !diagnostics.isEmpty {
            // stdout carries the plan; problems go to stderr.
            var renderer = TextDiagnosticRenderer(
                colors: Console.colorsEnabled(fileDescriptor: 2, environment: Console.environment),
                sources: SourceLines(redactions: JobLoading.redactions(for: [result])))
            console.writeError(renderer.render(diagnostics))
            console.writeError(DiagnosticCounts(diagnostics).summary + "\n")
        }
        if diagnostics.hasErrors { throw ExitCode.failure }
        guard let job = result.job else { throw CLIError.noJobLoaded(jobFile) }
        guard offline else { throw CLIError.onlinePlanningUnavailable }

        let accounts = try selectedAccounts(of: job)
        let digest = try JobDigest.digest(
            jobFilePath: result.jobFile, usersFilePath: result.usersFile ?? job.usersFile.resolvedPath)
        let plan = OfflinePlanner(job: job).plan(accounts: accounts, digest: digest)

        let json = try StableJSON.encode(plan)
        if let outputFile { try AtomicFileWriter.write(json, to: outputFile) }
        switch format {
        case .text:
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            console.write(TextPlanRenderer(colors: colors).render(plan))
        case .markdown:
            console.write(MarkdownPlanRenderer().render(plan))
        case .json:
            console.write(json)
        }

        if detailedExitcode && Self.hasChanges(plan) { throw ExitCode(2) }
    }

    /// Terraform's question for `--detailed-exitcode`. An offline plan has no diff; it cannot show that
    /// the destination already holds everything, so any selected user counts as a change.
    static func hasChanges(_ plan: MigrationPlan) -> Bool {
        plan.offline ? !plan.users.isEmpty : plan.summary.hasChanges
    }

    /// The users file's accounts, narrowed to `--user`; an unknown name is an error, not an empty plan.
    private func selectedAccounts(of job: Job) throws(CLIError) -> [Account] {
        let wanted = selection.users
        guard !wanted.isEmpty else { return job.accounts }
        let known = Set(job.accounts.map(\.sourceUser))
        var unknown: [String] = []
        for user in wanted where !known.contains(user) && !unknown.contains(user) { unknown.append(user) }
        guard unknown.isEmpty else { throw .unknownUsers(unknown, usersFile: job.usersFile.path) }
        let selected = Set(wanted)
        return job.accounts.filter { selected.contains($0.sourceUser) }
    }
}
