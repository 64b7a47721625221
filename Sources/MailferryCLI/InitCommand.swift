import ArgumentParser
import Foundation

/// `mailferry init [DIR] [--ci github]`: a job file, a users file template (mode 0600) and a
/// .gitignore that keeps users files and run state out of git; with `--ci github` also the GitHub
/// Actions workflow. Never overwrites: if any file of the scaffold exists, none of it is written
/// (with `--ci`, the workflow is then written alone, unless it exists too).
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Scaffold jobs/example.yaml, users/example.csv and a .gitignore in a folder.",
        discussion: """
            --ci github also writes .github/workflows/mailferry.yml (and the action it sets mailferry up \
            with, .github/actions/setup-mailferry/action.yml): on pull requests touching jobs/, \
            `validate --format github` and each changed job's `plan --format markdown` as one \
            pull-request comment that later pushes update (offline for pull requests from forks); on \
            the default branch, every job planned again and applied with `apply --plan` once a \
            reviewer approves the `mailferry` environment. In a folder scaffolded before, only these \
            two files are written.
            """
    )

    /// `--ci`: the CI systems a workflow can be written for.
    enum ContinuousIntegration: String, ExpressibleByArgument, CaseIterable {
        case github
    }

    @Argument(help: ArgumentHelp("Folder to scaffold (created if missing).", valueName: "DIR"))
    var directory = "."

    @Option(
        help: ArgumentHelp(
            "Also write a CI workflow that validates, plans and applies the job files.", valueName: "github"))
    var ci: ContinuousIntegration?

    func validate() throws {
        if directory.isEmpty { throw ValidationError("The folder path is empty.") }
    }

    private struct ScaffoldFile {
        var path: String
        var content: String
        var permissions: Int
    }

    func run() async throws {
        let scaffold = [
            ScaffoldFile(path: InitTemplates.jobPath, content: InitTemplates.job, permissions: 0o644),
            ScaffoldFile(path: InitTemplates.usersPath, content: InitTemplates.users, permissions: 0o600),
            ScaffoldFile(path: InitTemplates.gitignorePath, content: InitTemplates.gitignore, permissions: 0o644),
        ]
        let workflow =
            ci == nil
            ? []
            : [
                ScaffoldFile(
                    path: GitHubWorkflowTemplate.path, content: GitHubWorkflowTemplate.workflow, permissions: 0o644),
                ScaffoldFile(
                    path: GitHubWorkflowTemplate.actionPath, content: GitHubWorkflowTemplate.action, permissions: 0o644),
            ]
        let fileManager = FileManager.default
        let root = URL(fileURLWithPath: directory)
        func existing(_ files: [ScaffoldFile]) -> [String] {
            files.map { root.appendingPathComponent($0.path).path }.filter { fileManager.fileExists(atPath: $0) }
        }
        let scaffoldExists = existing(scaffold)
        if !workflow.isEmpty {
            let workflowExists = existing(workflow)
            guard workflowExists.isEmpty else { throw CLIError.wouldOverwrite(workflowExists) }
            if !scaffoldExists.isEmpty {
                try write(workflow, under: root)
                Console().write(
                    "Created \(workflow.map(\.path).joined(separator: " and ")) in \(directory) (\(Self.workflowSummary)).\n"
                )
                return
            }
        }
        guard scaffoldExists.isEmpty else { throw CLIError.wouldOverwrite(scaffoldExists) }
        try write(scaffold + workflow, under: root)
        let jobPath =
            directory == "."
            ? InitTemplates.jobPath : (directory as NSString).appendingPathComponent(InitTemplates.jobPath)
        var created = """
            Created in \(directory):
              \(InitTemplates.jobPath)   the job: source, destination, folder rules
              \(InitTemplates.usersPath)   users file template (mode 0600; holds passwords)
              \(InitTemplates.gitignorePath)          keeps users/ and .mailferry/ out of git

            """
        if !workflow.isEmpty {
            created += "  \(GitHubWorkflowTemplate.path)   \(Self.workflowSummary)\n"
            created += "  \(GitHubWorkflowTemplate.actionPath)   sets mailferry up in its jobs\n"
        }
        Console().write(created + "Next: edit both files, then run `mailferry validate \(jobPath)`.\n")
    }

    static let workflowSummary = "validates and plans pull requests; applies approved plans (see its header)"

    private func write(_ files: [ScaffoldFile], under root: URL) throws {
        let fileManager = FileManager.default
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
    }
}
