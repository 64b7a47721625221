import ArgumentParser
import JobSpec
import MailferryCore

/// `mailferry validate JOB.yaml...`: every problem of every job file in one pass.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check job files and their users files; print every problem at its file:line:col.",
        discussion: "Exit status: 0 when no job has errors (with --strict: no warnings either), 1 otherwise."
    )

    @Argument(help: ArgumentHelp("Job files to check.", valueName: "JOB.yaml"))
    var jobFiles: [String] = []

    @Option(help: "Output format: text (compiler style), github (Actions annotations) or json.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    func validate() throws {
        guard !jobFiles.isEmpty else { throw ValidationError("Give at least one job file to validate.") }
        if let blank = jobFiles.first(where: { $0.isEmpty }) {
            throw ValidationError("A job file path is empty ('\(blank)').")
        }
    }

    func run() async throws {
        let loading = JobLoading()
        let results = jobFiles.map { loading.load($0) }
        var diagnostics = results.flatMap(\.diagnostics) + JobSetChecks.uniqueNames(results)
        if strict {
            diagnostics = diagnostics.map { Diagnostic(.error, at: $0.location, $0.message) }
        }
        diagnostics = diagnostics.sortedForOutput()
        let notes = results.compactMap(MailboxCountNote.init)

        let console = Console()
        switch format {
        case .text:
            let colors = Console.colorsEnabled(fileDescriptor: 1, environment: Console.environment)
            var renderer = TextDiagnosticRenderer(
                colors: colors, sources: SourceLines(redactions: JobLoading.redactions(for: results)))
            console.write(
                renderer.render(diagnostics) + notes.map { $0.text(style: TerminalStyle(enabled: colors)) }.joined())
        case .github:
            console.write(GitHubDiagnosticRenderer.render(diagnostics) + notes.map(\.github).joined())
        case .json:
            console.write(try JSONDiagnosticRenderer.render(diagnostics, notes: notes))
        }
        let counts = DiagnosticCounts(diagnostics)
        let files = jobFiles.count == 1 ? "1 job file" : "\(jobFiles.count) job files"
        console.writeError("\(files) checked: \(counts.summary)\n")
        if diagnostics.hasErrors { throw ExitCode.failure }
    }
}
