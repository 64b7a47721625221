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
            Exit status: 0 success, 1 error (invalid job, unreadable state).
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @Option(help: "Output format: text (a table) or json.")
    var format: ReportFormat = .text

    @OptionGroup var state: StateDirectoryOptions

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
    }

    func run() async throws {
        let loaded = try LoadedJob.load(jobFile, showWarnings: false)
        let directory = loaded.stateDirectory(override: state.stateDirectory)
        var results: [UserResult] = []
        var inProgress: RunInfo?
        if let ledger = try Self.openIfPresent(directory) {
            results = try ledger.latestUserResults()
            inProgress = try ledger.otherRunInProgress()
        }
        let now = Date()
        let latest = Dictionary(results.map { ($0.sourceUser, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = loaded.job.accounts.map { account in
            latest[account.sourceUser].map { UserReportRow($0, now: now) }
                ?? .notStarted(sourceUser: account.sourceUser, destinationUser: account.destinationUser)
        }

        let console = Console()
        switch format {
        case .text:
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            var text = "Status of job \(loaded.job.name) (\(loaded.job.file)), state in \(directory)\n"
            if let run = inProgress {
                text +=
                    "Apply in progress: run \(run.id.rawValue), pid \(run.pid) on \(run.host), "
                    + "started \(UserReportJSON.timestamp(run.startedAt))\n"
            }
            text += "\n" + UserReportTableRenderer(colors: colors).render(rows)
            text += "\n" + UserReportTableRenderer.summaryLine(rows) + "\n"
            console.write(text)
        case .json:
            console.write(
                try StableJSON.encode(
                    StatusDocument(job: loaded.job, directory: directory, inProgress: inProgress, rows: rows)))
        }
    }

    /// The state read-only; nil when apply never ran (every user is then "not started").
    private static func openIfPresent(_ directory: String) throws(LedgerError) -> Ledger? {
        do {
            return try Ledger.openExisting(directory: directory)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
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
