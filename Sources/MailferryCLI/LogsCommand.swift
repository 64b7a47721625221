import ArgumentParser
import Ledger
import MailferryCore

/// `mailferry logs JOB.yaml SOURCE_USER`: the user's log file as it is, to read or to send on.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the log of one user of a job.",
        discussion: """
            The log is plain text, one timestamped line per event of every apply run for this user: \
            folders created and skipped, messages copied, skipped (and why) and failed, with the error \
            text. It never holds a password.
            Exit status: 0 success; 1 when the user is not in the users file, has no log yet, or the \
            job is invalid.
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @Argument(help: ArgumentHelp("The source user (first column of the users file).", valueName: "SOURCE_USER"))
    var sourceUser: String

    @OptionGroup var state: StateDirectoryOptions

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if sourceUser.isEmpty { throw ValidationError("The source user is empty.") }
    }

    func run() async throws {
        let loaded = try LoadedJob.load(jobFile, showWarnings: false)
        guard loaded.job.accounts.contains(where: { $0.sourceUser == sourceUser }) else {
            throw CLIError.notAUser(sourceUser, usersFile: loaded.job.usersFile.path)
        }
        let directory = loaded.stateDirectory(override: state.stateDirectory)
        // The job's own state and every shard's (`apply --shard`): a user has a log in each folder it
        // ran under; they are printed oldest first (each starts with its first entry's time).
        let folders =
            [JobStateFolder(path: directory, shard: nil)] + JobStateFolder.all(in: directory).filter { $0.shard != nil }
        var texts: [String] = []
        for folder in folders {
            do {
                texts.append(try UserLog.read(directory: folder.path, sourceUser: sourceUser))
            } catch {
                switch error {
                case .notFound, .noLog: continue
                default: throw error
                }
            }
        }
        guard !texts.isEmpty else { throw CLIError.noLog(sourceUser, stateDirectory: directory) }
        Console().write(texts.sorted().joined())
    }
}
