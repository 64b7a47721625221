import ArgumentParser
import BuildInfo
import Engine
import Foundation
import Ledger
import MailStores
import MailferryCore

/// `mailferry apply JOB.yaml`: migrates every selected user, `concurrency` at once, recording the
/// run in the state directory; `--dry-run` shows the plan instead and changes nothing anywhere.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Copy what is missing into every selected user's destination mailbox.",
        discussion: """
            Creates missing folders and copies missing messages with their flags and dates; applies \
            flags changed on the source to messages copied earlier, keeping what users changed on the \
            destination since the last sync (deleted mail stays deleted unless --restore-deleted). The \
            source is never changed; the destination loses messages only with options.deletions: mirror \
            (within the mass-delete guard; --allow-mass-delete lifts it). Safe to run again at any time.
            --watch [INTERVAL] applies again every INTERVAL seconds (default 300) until a signal, which \
            lets the pass in progress finish (a second signal interrupts it).
            Progress goes to stderr (redrawn in place on a terminal, a line per finished user and every \
            5 seconds otherwise); the final report per user to stdout.
            --dry-run prints the same diff as `plan` and writes nothing, not even state.
            --plan PLAN.json applies to the plan's users, refusing a plan whose job or users file changed.
            --shard K/N migrates only shard K's users (a stable hash of the source user, K from 0) with \
            options.concurrency / N mailboxes at once, its state in <state>/shard-K-of-N/ with its own \
            lock, so that N processes share one job; a shard without users exits 0.
            Exit status: 0 every selected user done; 3 at least one user failed or partial (the others \
            still ran to the end); 4 every user done or paused by a used-up daily budget (run again after \
            the time printed); 1 a fatal error before any user ran (invalid job, unusable plan, \
            state cannot be opened, another apply of the job running, missing admin secret); 130/143/129 \
            stopped by SIGINT/SIGTERM/SIGHUP (the run is recorded as interrupted). --dry-run: as plan (0, or \
            1 when a user could not be reached).
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @Flag(help: "Print the plan (as `plan` does) and change nothing, not even the state directory.")
    var dryRun = false

    @Option(
        name: .customLong("plan"),
        help: ArgumentHelp(
            "Apply to the users of this plan (from `plan --out`); refused when stale.", valueName: "PLAN.json")
    )
    var planFile: String?

    @OptionGroup var selection: UserSelectionOptions
    @OptionGroup var sharding: ShardOptions

    @Flag(
        help: "Copy again what users deleted or moved on the destination since the last sync (options.restore_deleted)."
    )
    var restoreDeleted = false

    @Flag(help: "Lift the mass-delete guard for this run (options.deletions: mirror).")
    var allowMassDelete = false

    @Option(help: ArgumentHelp("Mailboxes migrated at once (default: options.concurrency of the job).", valueName: "N"))
    var concurrency: Int?

    @Option(
        name: .customLong("watch"),
        help: ArgumentHelp(
            "Apply again every INTERVAL seconds (default 300) until SIGINT/SIGTERM, which ends the pass in "
                + "progress and the loop.", valueName: "INTERVAL"))
    var watchInterval: Double?

    @Option(help: "Output format of the final report (with --dry-run: of the plan): text or json.")
    var format: ReportFormat = .text

    @OptionGroup var state: StateDirectoryOptions
    @OptionGroup var tracing: TraceOptions

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if planFile?.isEmpty == true { throw ValidationError("--plan needs a file path.") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1.") }
        if let watchInterval {
            if !(watchInterval >= 0.1 && watchInterval <= 86_400) {
                throw ValidationError("--watch needs an interval from 0.1 to 86400 seconds.")
            }
            if dryRun || planFile != nil {
                throw ValidationError("--watch repeats apply; leave out --dry-run and --plan.")
            }
        }
    }

    func run() async throws {
        var loaded = try LoadedJob.load(jobFile)
        if restoreDeleted { loaded.job.options.restoreDeleted = true }
        loaded.job.options.allowMassDelete = allowMassDelete
        let accounts = try selectedAccounts(loaded)
        if let shard = sharding.shard, accounts.isEmpty, !dryRun {
            Console().write(ShardOptions.emptyShardNote(shard, job: loaded.job))
            return
        }
        let environment = Console.environment
        try SecretPreflight.check(loaded.job, environment: environment)
        let limit = sharding.concurrency(explicit: concurrency, job: loaded.job)

        if dryRun {
            let ledger = try? Ledger.openExisting(
                directory: sharding.stateFolder(of: loaded, override: state.stateDirectory).path)
            let output = try PlanOutput(format: format == .json ? .json : .text, outputFile: nil, users: accounts.count)
            var plan = try await OnlinePlanner(
                job: loaded.job, environment: environment, trace: tracing.sink, ledger: ledger
            )
            .plan(accounts: accounts, digest: try loaded.digest(), concurrency: limit, into: output)
            plan.shard = sharding.planShard(job: loaded.job, concurrency: limit)
            try output.emit(plan)
            if plan.summary.usersUnreachable > 0 { throw ExitCode.failure }
            return
        }

        let stateDirectory = loaded.stateDirectory(override: state.stateDirectory)
        try Self.refuseOverlappingRuns(stateDirectory: stateDirectory, shard: sharding.shard)
        let ledger = try Ledger.open(directory: sharding.stateFolder(of: loaded, override: state.stateDirectory).path)
        guard let watchInterval else {
            let (runID, rows) = try await pass(
                accounts, job: loaded.job, ledger: ledger, environment: environment, limit: limit, watch: nil)
            try report(loaded, accounts: accounts, runID: runID, rows: rows)
            try Self.exitStatus(of: rows)
            return
        }
        // A pass, then another every interval, until a signal: each pass is a run of its own, so
        // `status` shows the last one while the next waits.
        let watch = WatchStop()
        defer { watch.remove() }
        var number = 0
        var last: (RunID, [UserReportRow])
        repeat {
            number += 1
            // A user paused by a used-up daily budget waits for its time rather than stopping again.
            let waiting = Set(
                try ledger.latestUserResults().filter { $0.state == .paused && ($0.resumeAt ?? .distantPast) > Date() }
                    .map(\.sourceUser))
            last = try await pass(
                accounts.filter { !waiting.contains($0.sourceUser) }, job: loaded.job, ledger: ledger,
                environment: environment, limit: limit, watch: watch)
            let summary = UserReportTableRenderer.summaryLine(last.1)
            Console().writeError(
                "mailferry: watch pass \(number) (\(last.0)) ended \(UserReportJSON.timestamp(Date())): \(summary)"
                    + (watch.requested == nil
                        ? " Next pass in \(DurationText.format(seconds: watchInterval)).\n" : "\n"))
            if watch.requested != nil { break }
            await watch.wait(seconds: watchInterval)
        } while watch.requested == nil
        // Every selected user as the state has it now: those the last pass left waiting included.
        let selected = Set(accounts.map(\.sourceUser))
        let rows = try JobStateSnapshot.load(loaded, stateDirectories: [stateDirectory], shard: sharding.shard).rows
            .filter { selected.contains($0.sourceUser) }
        try report(loaded, accounts: accounts, runID: last.0, rows: rows)
        try Self.exitStatus(of: rows)
    }

    /// One run over every selected user, recorded in the state from its start to its end.
    private func pass(
        _ accounts: [Account], job: Job, ledger: Ledger, environment: [String: String], limit: Int, watch: WatchStop?
    ) async throws -> (RunID, [UserReportRow]) {
        if let other = try ledger.otherRunInProgress(), other.command == .apply {
            throw CLIError.runInProgress(run: other.id.rawValue, pid: other.pid, host: other.host)
        }
        let runID = try ledger.beginRun(command: .apply, startedAt: Date())
        // Two applies started at the same moment both pass the check above; the later run yields.
        if let other = try ledger.otherRunInProgress(), other.command == .apply, other.id < runID {
            try? ledger.finishRun(runID, finishedAt: Date(), outcome: .failed)
            throw CLIError.runInProgress(run: other.id.rawValue, pid: other.pid, host: other.host)
        }
        let rows = await migrate(
            accounts, job: job, ledger: ledger, run: runID, environment: environment, limit: limit, watch: watch)
        return (runID, rows)
    }

    /// The final report per user, to stdout.
    private func report(_ loaded: LoadedJob, accounts: [Account], runID: RunID, rows: [UserReportRow]) throws {
        let console = Console()
        switch format {
        case .text:
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            var text = "Apply of job \(loaded.job.name) (\(loaded.job.file)), \(runID)"
            if let shard = sharding.shard { text += ", shard \(shard)" }
            console.write(text + "\n\(loaded.job.mailboxCountLine), \(accounts.count) selected\n\n")
            UserReportTableRenderer(colors: colors).render(rows, to: console.write)
            text = "\n" + UserReportTableRenderer.summaryLine(rows) + "\n"
            if rows.contains(where: { $0.state != .done }) {
                text += "Run `mailferry logs \(loaded.job.file) SOURCE_USER` for details; apply again to retry.\n"
            }
            console.write(text)
        case .json:
            try ApplyDocument(job: loaded.job, run: runID.rawValue, outcome: Self.outcome(of: rows), rows: rows)
                .write(to: console.write)
        }
    }

    /// Runs every user to its end (one user's failure never stops the others) and closes the run.
    private func migrate(
        _ accounts: [Account], job: Job, ledger: Ledger, run runID: RunID, environment: [String: String], limit: Int,
        watch: WatchStop?
    ) async -> [UserReportRow] {
        let progress = ApplyProgress(
            totalUsers: accounts.count, terminal: isatty(2) == 1,
            colors: Console.colorsEnabled(fileDescriptor: 2, environment: environment))
        let interrupted: @Sendable (Int32) -> Void = { number in
            progress.stop()
            try? ledger.finishRun(runID, finishedAt: Date(), outcome: .interrupted)
            let name = InterruptHandler.name(of: number)
            Console().writeError(
                "mailferry: \(name): stopped; \(runID) recorded as interrupted. Run apply again to resume.\n")
        }
        // Under --watch the first signal lets this pass end; only a second one interrupts it.
        let interrupts = watch == nil ? InterruptHandler(onInterrupt: interrupted) : nil
        watch?.passStarted { interrupted(watch?.requested ?? SIGTERM) }
        defer { watch?.passEnded() }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: progress.interval)
                progress.tick()
            }
        }
        let crashInjection = CrashInjection(environment: environment)
        let budgets = (ledger.directory as NSString).appendingPathComponent("budgets")
        let factory = StoreFactory(
            job: job, environment: environment, trace: tracing.sink, destinationWire: crashInjection?.wireObserver,
            budgetFile: { user, side in
                "\(budgets)/\(UserLog.fileName(for: user).dropLast(".log".count)).\(side.rawValue).json"
            }, serverBudgetFile: { side in "\(budgets)/server/\(side.rawValue).json" })
        let applyRun = ApplyRun(
            rules: job.folders, options: job.options, ledger: ledger, runID: runID,
            observer: HeapTrimmingObserver(wrapping: progress),
            program: MailferryVersion.description
        ) { account in
            crashInjection.map { $0.wrap(factory.connector(for: account), sourceUser: account.sourceUser) }
                ?? factory.connector(for: account)
        }
        let rows = await applyRun.run(accounts, concurrency: limit).map { result in
            UserReportRow(
                sourceUser: result.account.sourceUser, destinationUser: result.account.destinationUser,
                state: result.outcome.state, run: runID.rawValue,
                counts: result.outcome.counts, startedAt: result.startedAt, finishedAt: result.finishedAt,
                durationSeconds: result.finishedAt.timeIntervalSince(result.startedAt),
                lastError: result.outcome.lastError, resumeAt: result.outcome.resumeAt)
        }
        ticker.cancel()
        progress.stop()
        if let interrupts {
            guard interrupts.claimCompletion() else {
                // A signal arrived just now; its handler records the run and exits.
                while true { try? await Task.sleep(for: .seconds(60)) }
            }
            interrupts.remove()
        }
        try? ledger.finishRun(runID, finishedAt: Date(), outcome: Self.outcome(of: rows))
        return rows
    }

    /// 0 every user done; 4 every user done or paused by a daily budget ("run again after", said on
    /// stderr); 3 any user failed, partial or interrupted.
    static func exitStatus(of rows: [UserReportRow]) throws {
        if rows.allSatisfy({ $0.state == .done }) { return }
        if rows.allSatisfy({ $0.state == .done || $0.state == .paused }) {
            if let resume = rows.compactMap(\.resumeAt).min() {
                Console().writeError(
                    "mailferry: daily budget used up; run apply again after \(UserReportRow.minute(resume)) "
                        + "(--watch waits by itself).\n")
            }
            throw ExitCode(4)
        }
        throw ExitCode(3)
    }

    /// completed: every user done; failed: no user done and at least one failed; partial otherwise.
    static func outcome(of rows: [UserReportRow]) -> RunOutcome {
        if rows.allSatisfy({ $0.state == .done }) { return .completed }
        if !rows.contains(where: { $0.state == .done }) && rows.allSatisfy({ $0.state == .failed }) { return .failed }
        return .partial
    }

    /// An apply over other shards of the same users must not run at the same time: one without
    /// `--shard` overlaps every shard, and shards of another count overlap these. Shards K/N and
    /// J/N (same N) never share a user, so they may run together; within one folder `Ledger` decides.
    private static func refuseOverlappingRuns(stateDirectory: String, shard: ShardSelection?) throws {
        let others = JobStateFolder.all(in: stateDirectory).filter { folder in
            // The same folder: the lock below decides.
            if folder.shard == shard { return false }
            if let shard, let other = folder.shard, other.count == shard.count { return false }
            return true
        }
        for running in try JobState.read(folders: others).runsInProgress where running.run.command == .apply {
            throw CLIError.overlappingRunInProgress(
                folder: running.folder.path, run: running.run.id.rawValue, pid: running.run.pid,
                host: running.run.host)
        }
    }

    /// `--user`, `--shard`, and with `--plan` the plan's users: refused when the plan no longer matches
    /// the files or was made for another shard.
    private func selectedAccounts(_ loaded: LoadedJob) throws -> [Account] {
        let accounts = try sharding.select(
            try loaded.accounts(selecting: selection.users), requested: selection.users)
        guard let planFile else { return accounts }
        let plan = try PlanSelection.read(planFile)
        if plan.shard?.selection != sharding.shard {
            throw CLIError.planForOtherShard(plan: plan.shard?.selection, requested: sharding.shard)
        }
        if plan.job.name != loaded.job.name {
            throw CLIError.stalePlan("it was made for job '\(plan.job.name)', not '\(loaded.job.name)'")
        }
        if plan.job.digest != (try loaded.digest()) {
            throw CLIError.stalePlan("\(loaded.jobFile) or its users file changed since the plan was made")
        }
        let planned = Set(plan.users.map(\.sourceUser))
        let missing = selection.users.filter { !planned.contains($0) }
        if !missing.isEmpty { throw CLIError.usersNotInPlan(missing) }
        return accounts.filter { planned.contains($0.sourceUser) }
    }

    /// `apply --format json`.
    struct ApplyDocument: UsersJSONDocument {
        var job: Job
        var run: Int64
        var outcome: RunOutcome
        var rows: [UserReportRow]
        /// False for the document's head, which `write(to:)` follows with the users one at a time.
        var listsUsers = true

        static let documentName = "apply"
        var userEntries: LazyMapSequence<[UserReportRow], UserReportJSON.User> {
            rows.lazy.map(UserReportJSON.User.init)
        }

        enum CodingKeys: String, CodingKey { case job, run, outcome, users, summary }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(UserReportJSON.JobReference(name: job.name, file: job.file), forKey: .job)
            try container.encode(run, forKey: .run)
            try container.encode(outcome.rawValue, forKey: .outcome)
            try container.encode(listsUsers ? rows.map(UserReportJSON.User.init) : [], forKey: .users)
            try container.encode(UserReportJSON.Summary(rows: rows), forKey: .summary)
        }
    }
}
