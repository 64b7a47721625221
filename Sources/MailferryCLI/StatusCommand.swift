import ArgumentParser
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
            Exit status: 0 success, 1 error (invalid job, unreadable state).
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @Option(help: "Output format: text (a table) or json.")
    var format: ReportFormat = .text

    @OptionGroup var state: StateDirectoryOptions

    @Option(
        name: .customLong("watch"),
        help: ArgumentHelp("Redraw every INTERVAL seconds (default 2) until no user is running.", valueName: "INTERVAL"))
    var watchInterval: Double?

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if let watchInterval {
            if !(watchInterval >= 0.1 && watchInterval <= 3600) {
                throw ValidationError("--watch needs an interval from 0.1 to 3600 seconds.")
            }
            if format != .text { throw ValidationError("--watch shows the text table; leave out --format json.") }
        }
    }

    func run() async throws {
        let loaded = try LoadedJob.load(jobFile, showWarnings: false)
        let directory = loaded.stateDirectory(override: state.stateDirectory)
        if let watchInterval {
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            try await StatusWatcher(
                interval: watchInterval, terminal: isatty(1) == 1, colors: colors,
                load: { try JobStateSnapshot.load(loaded, stateDirectory: directory) },
                heading: { Self.heading(loaded, directory: directory, inProgress: $0.inProgress) }
            ).run()
            return
        }
        let snapshot = try JobStateSnapshot.load(loaded, stateDirectory: directory)
        let rows = snapshot.rows
        let inProgress = snapshot.inProgress

        let console = Console()
        switch format {
        case .text:
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            var text = Self.heading(loaded, directory: directory, inProgress: inProgress)
            text += "\n" + UserReportTableRenderer(colors: colors).render(rows)
            text += "\n" + UserReportTableRenderer.summaryLine(rows) + "\n"
            console.write(text)
        case .json:
            console.write(
                try StableJSON.encode(
                    StatusDocument(job: loaded.job, directory: directory, inProgress: inProgress, rows: rows)))
        }
    }

    /// The lines above the table: the job, its state folder, and an apply in progress.
    static func heading(_ loaded: LoadedJob, directory: String, inProgress: RunInfo?) -> String {
        var text = "Status of job \(loaded.job.name) (\(loaded.job.file)), state in \(directory)\n"
        if let run = inProgress {
            text +=
                "Apply in progress: run \(run.id.rawValue), pid \(run.pid) on \(run.host), "
                + "started \(UserReportJSON.timestamp(run.startedAt))\n"
        }
        return text
    }

    /// `status --format json`.
    private struct StatusDocument: Encodable {
        var job: Job
        var directory: String
        var inProgress: RunInfo?
        var rows: [UserReportRow]

        enum CodingKeys: String, CodingKey {
            case job
            case stateDirectory = "state_directory"
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
            try container.encode(directory, forKey: .stateDirectory)
            try container.encode(
                inProgress.map {
                    RunInProgress(
                        run: $0.id.rawValue, pid: $0.pid, host: $0.host,
                        startedAt: UserReportJSON.timestamp($0.startedAt))
                }, forKey: .runInProgress)
            try container.encode(rows.map(UserReportJSON.User.init), forKey: .users)
            try container.encode(UserReportJSON.Summary(rows: rows), forKey: .summary)
        }
    }
}
