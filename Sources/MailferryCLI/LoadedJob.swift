import ArgumentParser
import JobSpec
import Ledger
import MailferryCore

/// A job loaded and validated for a command that acts on it (plan, apply, status, logs). Problems
/// go to stderr as `validate --format text` prints them (stdout carries the command's output);
/// any error ends the command with exit 1 before anything else happens.
struct LoadedJob {
    var job: Job
    /// The job file as given, and the users file joined with the job file's folder.
    var jobFile: String
    var usersFile: String

    /// - Parameter showWarnings: false for read-only commands (status, logs), which print only errors.
    static func load(_ path: String, showWarnings: Bool = true) throws -> LoadedJob {
        let result = JobLoading().load(path)
        var diagnostics = result.diagnostics.sortedForOutput()
        if !showWarnings { diagnostics = diagnostics.filter { $0.severity == .error } }
        if !diagnostics.isEmpty {
            var renderer = TextDiagnosticRenderer(
                colors: Console.colorsEnabled(fileDescriptor: 2, environment: Console.environment),
                sources: SourceLines(redactions: JobLoading.redactions(for: [result])))
            let console = Console()
            console.writeError(renderer.render(diagnostics))
            console.writeError(DiagnosticCounts(diagnostics).summary + "\n")
        }
        if diagnostics.hasErrors { throw ExitCode.failure }
        guard let job = result.job else { throw CLIError.noJobLoaded(path) }
        return LoadedJob(job: job, jobFile: result.jobFile, usersFile: result.usersFile ?? job.usersFile.resolvedPath)
    }

    /// The users file's accounts in file order, narrowed to `users`; an unknown name is an error,
    /// not an empty selection.
    func accounts(selecting users: [String]) throws(CLIError) -> [Account] {
        guard !users.isEmpty else { return job.accounts }
        let known = Set(job.accounts.map(\.sourceUser))
        var unknown: [String] = []
        for user in users where !known.contains(user) && !unknown.contains(user) { unknown.append(user) }
        guard unknown.isEmpty else { throw .unknownUsers(unknown, usersFile: job.usersFile.path) }
        let selected = Set(users)
        return job.accounts.filter { selected.contains($0.sourceUser) }
    }

    /// What a plan records to be refused later when either file changed.
    func digest() throws(CLIError) -> String {
        try JobDigest.digest(jobFilePath: jobFile, usersFilePath: usersFile)
    }

    func stateDirectory(override: String?) -> String {
        Ledger.stateDirectory(for: job, override: override)
    }
}
