import ArgumentParser
import Foundation

/// `mailferry init [DIR]`: a job file, a users file template (mode 0600) and a .gitignore that keeps
/// users files and run state out of git. Never overwrites: if any of them exists, nothing is written.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Scaffold jobs/example.yaml, users/example.csv and a .gitignore in a folder."
    )

    @Argument(help: ArgumentHelp("Folder to scaffold (created if missing).", valueName: "DIR"))
    var directory = "."

    func validate() throws {
        if directory.isEmpty { throw ValidationError("The folder path is empty.") }
    }

    private struct ScaffoldFile {
        var path: String
        var content: String
        var permissions: Int
    }

    func run() async throws {
        let files = [
            ScaffoldFile(path: InitTemplates.jobPath, content: InitTemplates.job, permissions: 0o644),
            ScaffoldFile(path: InitTemplates.usersPath, content: InitTemplates.users, permissions: 0o600),
            ScaffoldFile(path: InitTemplates.gitignorePath, content: InitTemplates.gitignore, permissions: 0o644),
        ]
        let fileManager = FileManager.default
        let root = URL(fileURLWithPath: directory)
        let existing = files.map { root.appendingPathComponent($0.path).path }.filter { fileManager.fileExists(atPath: $0) }
        guard existing.isEmpty else { throw CLIError.wouldOverwrite(existing) }

        for file in files {
            let url = root.appendingPathComponent(file.path)
            let folder = url.deletingLastPathComponent()
            do {
                // users/ is private like the files in it.
                let folderPermissions = file.permissions == 0o600 ? 0o700 : 0o755
                try fileManager.createDirectory(
                    at: folder, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: folderPermissions])
            } catch {
                throw CLIError.cannotWrite(folder.path, reason: "cannot create the folder")
            }
            guard
                fileManager.createFile(
                    atPath: url.path, contents: Data(file.content.utf8),
                    attributes: [.posixPermissions: file.permissions])
            else { throw CLIError.cannotWrite(url.path, reason: "check that the folder is writable") }
            // The umask may have narrowed the mode; make it exactly what the file needs.
            try? fileManager.setAttributes([.posixPermissions: file.permissions], ofItemAtPath: url.path)
        }
        let jobPath = directory == "." ? InitTemplates.jobPath : (directory as NSString).appendingPathComponent(InitTemplates.jobPath)
        Console().write(
            """
            Created in \(directory):
              \(InitTemplates.jobPath)   the job: source, destination, folder rules
              \(InitTemplates.usersPath)   users file template (mode 0600; holds passwords)
              \(InitTemplates.gitignorePath)          keeps users/ and .mailferry/ out of git
            Next: edit both files, then run `mailferry validate \(jobPath)`.

            """)
    }
}
