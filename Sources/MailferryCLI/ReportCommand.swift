import ArgumentParser
import Foundation

/// `mailferry report JOB.yaml`: the job's results as one file to keep or share: HTML (self-contained,
/// logs downloadable), Markdown or JSON. Reads the state read-only, also while apply runs.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the job's results as one HTML, Markdown or JSON file.",
        discussion: """
            The summary (users per state, messages, volume, duration, throughput) and one row per user of \
            the users file, colored by state, with folders copied and failed and the last error explained \
            from the error catalogue (docs/errors.md). HTML is one self-contained page (no network \
            assets, no script; prints well) with a chart of the volume per user and each user's log as a \
            download; Markdown suits a ticket; JSON follows schemas/report.schema.json. Never a password.
            Exit status: 0 success, 1 error (invalid job, unreadable state, unwritable --out).
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @Option(help: "Output format: html, markdown or json.")
    var format: ReportDocumentFormat = .html

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp("Write the report to this file instead of stdout.", valueName: "FILE"))
    var outputFile: String?

    @OptionGroup var state: StateDirectoryOptions
    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if outputFile?.isEmpty == true { throw ValidationError("--out needs a file path.") }
    }

    func run() async throws {
        let loaded = try LoadedJob.load(jobFile, showWarnings: false)
        let now = Date()
        let report = try JobReport.load(
            loaded, stateDirectory: loaded.stateDirectory(override: state.stateDirectory), shard: sharding.shard,
            now: now)
        let render = { (output: (String) throws -> Void) throws in
            switch format {
            case .html: try HTMLReportRenderer().render(report, generatedAt: now, to: output)
            case .markdown: try MarkdownReportRenderer().render(report, generatedAt: now, to: output)
            case .json: try ReportDocument(report: report).write(to: output)
            }
        }
        if let outputFile {
            try AtomicFileWriter.write(to: outputFile, render)
        } else {
            try render(Console().write)
        }
    }
}
