import ArgumentParser
import Foundation
import Ledger
import MailferryCore

/// `mailferry logs JOB.yaml SOURCE_USER`: the user's log file as it is, to read or to send on;
/// `--all --out DIR`: every user's log into DIR, one file per user.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the log of one user of a job, or write every user's log to a folder.",
        discussion: """
            The log is plain text, one timestamped line per event of every apply run for this user: \
            folders created and skipped, messages copied, skipped (and why) and failed, with the error \
            text. It never holds a password.
            --all --out DIR writes the log of every user of the users file that has one to DIR (created \
            if missing), one file per user named as in the state directory (<user>.log, with bytes \
            outside A-Z a-z 0-9 . _ @ + - percent-encoded, so any user name gives a safe file name).
            Exit status: 0 success; 1 when the user is not in the users file, has no log yet (with \
            --all: no user has one), a file cannot be written, or the job is invalid.
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @Argument(help: ArgumentHelp("The source user (first column of the users file).", valueName: "SOURCE_USER"))
    var sourceUser: String?

    @Flag(help: "Every user's log (with --out).")
    var all = false

    @Option(
        name: .customLong("out"), help: ArgumentHelp("With --all: the folder to write the logs to.", valueName: "DIR"))
    var outputDirectory: String?

    @OptionGroup var state: StateDirectoryOptions

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if all {
            if sourceUser != nil { throw ValidationError("Give either SOURCE_USER or --all, not both.") }
            if outputDirectory?.isEmpty != false { throw ValidationError("--all needs --out DIR.") }
        } else {
            guard let sourceUser else { throw ValidationError("Give a SOURCE_USER, or --all --out DIR.") }
            if sourceUser.isEmpty { throw ValidationError("The source user is empty.") }
            if outputDirectory != nil { throw ValidationError("--out goes with --all.") }
        }
    }

    func run() async throws {
        let loaded = try LoadedJob.load(jobFile, showWarnings: false)
        let directory = loaded.stateDirectory(override: state.stateDirectory)
        if all, let outputDirectory {
            try writeAll(loaded, stateDirectory: directory, to: outputDirectory)
            return
        }
        guard let sourceUser else { return }
        guard loaded.job.accounts.contains(where: { $0.sourceUser == sourceUser }) else {
            throw CLIError.notAUser(sourceUser, usersFile: loaded.job.usersFile.path)
        }
        guard let text = try Self.log(of: sourceUser, stateDirectory: directory) else {
            throw CLIError.noLog(sourceUser, stateDirectory: directory)
        }
        Console().write(text)
    }

    private func writeAll(_ loaded: LoadedJob, stateDirectory: String, to outputDirectory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw CLIError.cannotWrite(outputDirectory, reason: "cannot create the folder")
        }
        var written = 0
        var withoutLog: [String] = []
        for account in loaded.job.accounts {
            guard let text = try Self.log(of: account.sourceUser, stateDirectory: stateDirectory) else {
                withoutLog.append(account.sourceUser)
                continue
            }
            let path = (outputDirectory as NSString).appendingPathComponent(UserLog.fileName(for: account.sourceUser))
            try AtomicFileWriter.write(text, to: path)
            written += 1
        }
        guard written > 0 else { throw CLIError.noLog("any user", stateDirectory: stateDirectory) }
        var summary = "Wrote \(written) \(written == 1 ? "log" : "logs") to \(outputDirectory)"
        if !withoutLog.isEmpty {
            summary += "; no log yet for \(withoutLog.count) \(withoutLog.count == 1 ? "user" : "users") (not started)"
        }
        Console().write(summary + ".\n")
    }

    /// The user's log (from every shard folder it ran in); nil when apply has not reached the user.
    private static func log(of sourceUser: String, stateDirectory: String) throws -> String? {
        try JobStateFolder.userLog(sourceUser: sourceUser, stateDirectory: stateDirectory)
    }
}
