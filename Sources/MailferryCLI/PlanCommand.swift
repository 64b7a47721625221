import ArgumentParser
import Ledger
import MailferryCore

/// `mailferry plan JOB.yaml`: what apply would do, per user and folder. Online (the default) it
/// logs in read-only to both servers; `--offline` contacts nothing and shows the job's rules.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would do for each user of a job.",
        discussion: """
            Online (default): logs in read-only to the source and the destination of every selected user \
            (options.concurrency at once) and shows per folder what would be created, updated, left \
            alone or skipped. A user that cannot be reached is marked ! with the reason; the others \
            are planned anyway. With --offline no server is contacted: each user shows the source \
            endpoints in the order they are tried, the destination account and the job's folder rules.
            Exit status: 0 success, 1 error (also when any user could not be reached: the plan is \
            still printed and written to --out). With --detailed-exitcode: 0 no changes, 1 error, \
            2 changes present (an offline plan cannot prove that nothing would change, so it exits 2 \
            when it lists any user).
            --shard K/N plans only shard K's users (see `apply --shard`) with its share of \
            options.concurrency, which the plan shows; a shard without users prints an empty plan.
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
        help: ArgumentHelp(
            "Also write the plan JSON to this file (atomically), whatever --format says.", valueName: "PLAN.json")
    )
    var outputFile: String?

    @Flag(help: "Exit 0 when nothing would change, 2 when something would, 1 on error.")
    var detailedExitcode = false

    @OptionGroup var selection: UserSelectionOptions
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var state: StateDirectoryOptions
    @OptionGroup var tracing: TraceOptions

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if outputFile?.isEmpty == true { throw ValidationError("--out needs a file path.") }
    }

    func run() async throws {
        let loaded = try LoadedJob.load(jobFile)
        let accounts = try sharding.select(
            try loaded.accounts(selecting: selection.users), requested: selection.users)
        let digest = try loaded.digest()
        let concurrency = sharding.concurrency(explicit: nil, job: loaded.job)
        let output = try PlanOutput(format: format, outputFile: outputFile, users: accounts.count)
        var plan: MigrationPlan
        if offline {
            plan = try OfflinePlanner(job: loaded.job).plan(accounts: accounts, digest: digest, into: output)
        } else {
            let environment = Console.environment
            try SecretPreflight.check(loaded.job, environment: environment)
            let ledger = try? Ledger.openExisting(
                directory: sharding.stateFolder(of: loaded, override: state.stateDirectory).path)
            plan = try await OnlinePlanner(
                job: loaded.job, environment: environment, trace: tracing.sink, ledger: ledger
            )
            .plan(accounts: accounts, digest: digest, concurrency: concurrency, into: output)
        }
        plan.shard = sharding.planShard(job: loaded.job, concurrency: concurrency)
        try output.emit(plan)

        if plan.summary.usersUnreachable > 0 { throw ExitCode.failure }
        if detailedExitcode && Self.hasChanges(plan) { throw ExitCode(2) }
    }

    /// Terraform's question for `--detailed-exitcode`; `plan` is the plan's head, whose summary counts
    /// the users. An offline plan has no diff; it cannot show that the destination already holds
    /// everything, so any selected user counts as a change.
    static func hasChanges(_ plan: MigrationPlan) -> Bool {
        plan.offline ? plan.summary.users > 0 : plan.summary.hasChanges
    }
}
