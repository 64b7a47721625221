import ArgumentParser
import BuildInfo
import Foundation
import Ledger
import MailferryCore

/// `mailferry status JOB.yaml`: the latest result of every user of the users file, read-only, so it
/// also works while another process applies the job.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the latest apply result of every user of a job.",
        discussion: """
            One row per user of the users file: source and destination user, state (done, partial, \
            failed, running, interrupted, not started), folders done/total, messages copied, present, \
            skipped and failed, bytes copied, duration and the last error. On a terminal rows are \
            colored: green done, yellow partial, red failed, grey not started, cyan running, magenta \
            interrupted. Reads the state without changing it, also while apply runs. No state yet: \
            every user is "not started".
            --watch [INTERVAL] reads the state again every INTERVAL seconds (default 2) until no user \
            is running: on a terminal the table is redrawn in place, otherwise a line is printed for \
            each row whose state or counts changed. Works from another shell while apply runs; after \
            it ended, prints once and exits.
            Without --shard, the state of every shard (<state>/shard-K-of-N/) is merged with the job's \
            own: each user shows its most recent result from any of them. --state-dir may be given \
            several times (state copied from several machines). --shard K/N shows that shard's users \
            and state only. The first line names the mailferry that prints it.
            Exit status: 0 success, 1 error (invalid job, unreadable state).
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @Option(help: "Output format: text (a table) or json.")
    var format: ReportFormat = .text

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp(
            "State folder (default: .mailferry/<job name>/ next to the job file); repeatable, merged.", valueName: "DIR"
        )
    )
    var stateDirectories: [String] = []

    @OptionGroup var sharding: ShardOptions

    @Option(
        name: .customLong("watch"),
        help: ArgumentHelp("Redraw every INTERVAL seconds (default 2) until no user is running.", valueName: "INTERVAL")
    )
    var watchInterval: Double?

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if stateDirectories.contains(where: \.isEmpty) { throw ValidationError("--state-dir needs a folder path.") }
        if let watchInterval {
            if !(watchInterval >= 0.1 && watchInterval <= 3600) {
                throw ValidationError("--watch needs an interval from 0.1 to 3600 seconds.")
            }
            if format != .text { throw ValidationError("--watch shows the text table; leave out --format json.") }
        }
    }

    func run() async throws {
        let loaded = try LoadedJob.load(jobFile, showWarnings: false)
        let directories = stateDirectories.isEmpty ? [loaded.stateDirectory(override: nil)] : stateDirectories
        let shard = sharding.shard
        let load = { try JobStateSnapshot.load(loaded, stateDirectories: directories, shard: shard) }
        if let watchInterval {
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            try await StatusWatcher(
                interval: watchInterval, terminal: isatty(1) == 1, colors: colors, load: load,
                heading: { Self.heading(loaded, directories: directories, shard: shard, snapshot: $0) }
            ).run()
            return
        }
        let snapshot = try load()
        let rows = snapshot.rows

        let console = Console()
        switch format {
        case .text:
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            console.write(Self.heading(loaded, directories: directories, shard: shard, snapshot: snapshot) + "\n")
            UserReportTableRenderer(colors: colors).render(rows, to: console.write)
            console.write("\n" + UserReportTableRenderer.summaryLine(rows) + "\n")
        case .json:
            try StatusDocument(
                job: loaded.job, directory: snapshot.directory, folders: snapshot.folders.map(\.path),
                shard: shard, inProgress: snapshot.inProgress, rows: rows
            ).write(to: console.write)
        }
    }

    /// The lines above the table: the mailferry that prints it, the job, its state folders, the
    /// shard, and every apply in progress.
    static func heading(
        _ loaded: LoadedJob, directories: [String], shard: ShardSelection?, snapshot: JobStateSnapshot
    ) -> String {
        let shown = directories.map { JobStateFolder(stateDirectory: $0, shard: shard).path }
        var text = MailferryVersion.description + "\n"
        text += "Status of job \(loaded.job.name) (\(loaded.job.file)), state in \(shown.joined(separator: ", "))"
        let shardFolders = snapshot.folders.filter { $0.shard != nil }.count
        if shard == nil, shardFolders > 0 {
            text += " (merged: \(shardFolders) shard \(shardFolders == 1 ? "folder" : "folders")"
            text += snapshot.folders.contains { $0.shard == nil } ? " and the unsharded state)" : ")"
        }
        text += "\n"
        if let shard {
            text += "Shard \(shard): \(snapshot.rows.count) of the job's \(loaded.job.accounts.count) users\n"
        }
        for running in snapshot.runsInProgress {
            let run = running.run
            text +=
                "Apply in progress: run \(run.id.rawValue), pid \(run.pid) on \(run.host), "
                + "started \(UserReportJSON.timestamp(run.startedAt))"
                + (running.folder.shard.map { " (shard \($0))" } ?? "") + "\n"
        }
        return text
    }

    /// `status --format json`.
    struct StatusDocument: UsersJSONDocument {
        var job: Job
        var directory: String
        var folders: [String]
        var shard: ShardSelection?
        var inProgress: RunInfo?
        var rows: [UserReportRow]
        /// False for the document's head, which `write(to:)` follows with the users one at a time.
        var listsUsers = true

        static let documentName = "status"
        var userEntries: LazyMapSequence<[UserReportRow], UserReportJSON.User> {
            rows.lazy.map(UserReportJSON.User.init)
        }

        enum CodingKeys: String, CodingKey {
            case job, mailferry, shard
            case stateDirectory = "state_directory"
            case stateFolders = "state_folders"
            case runInProgress = "run_in_progress"
            case users, summary
        }

        struct RunInProgress: Encodable {
            var run: Int64
            var pid: Int32
            var host: String
            var startedAt: String

            enum CodingKeys: String, CodingKey {
                case run, pid, host
                case startedAt = "started_at"
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(UserReportJSON.JobReference(name: job.name, file: job.file), forKey: .job)
            try container.encode(MailferryVersion.description, forKey: .mailferry)
            try container.encode(directory, forKey: .stateDirectory)
            try container.encode(folders, forKey: .stateFolders)
            try container.encode(shard?.description, forKey: .shard)
            try container.encode(
                inProgress.map {
                    RunInProgress(
                        run: $0.id.rawValue, pid: $0.pid, host: $0.host,
                        startedAt: UserReportJSON.timestamp($0.startedAt))
                }, forKey: .runInProgress)
            try container.encode(listsUsers ? rows.map(UserReportJSON.User.init) : [], forKey: .users)
            try container.encode(UserReportJSON.Summary(rows: rows), forKey: .summary)
        }
    }
}
