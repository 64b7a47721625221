import Foundation
import Testing

@testable import MailferryCLI

/// `mailferry init --ci github`: the workflow it writes passes actionlint (with shellcheck on its
/// scripts) and the GitHub workflow schema, and its plan step, run with bash in a git checkout,
/// writes the one pull-request comment the next step posts.
@Suite struct CIWorkflowTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailferry-ci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// actionlint's (run in the repository `root`, so that it reads the local action the workflow
    /// uses) and check-jsonschema's verdicts on `workflow` (a file path).
    private func lint(_ workflow: String, in root: URL) async throws -> (actionlint: ToolRun, schema: ToolRun) {
        let actionlint = try await ToolRun.run([try ToolRun.venvTool("actionlint"), "-no-color", workflow], in: root)
        let schema = try await ToolRun.run([
            try ToolRun.venvTool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", workflow,
        ])
        return (actionlint, schema)
    }

    @Test func initWritesAWorkflowThatLintsClean() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await MailferryBinary.locate().run(["init", "--ci", "github", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(GitHubWorkflowTemplate.path))
        let path = folder.appendingPathComponent(GitHubWorkflowTemplate.path).path
        let workflow = try String(contentsOfFile: path, encoding: .utf8)
        #expect(workflow == GitHubWorkflowTemplate.workflow)
        for expected in [
            "validate --format github", "--format markdown", GitHubWorkflowTemplate.commentMarker, "updateComment",
            "apply --plan", "environment: mailferry", "--offline",
            "DEST_ADMIN_PASSWORD: ${{ secrets.DEST_ADMIN_PASSWORD }}",
        ] {
            #expect(workflow.contains(expected), "\(expected)")
        }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("jobs/example.yaml").path))

        // actionlint finds local actions from the repository's root: make the folder a git repository.
        #expect(try await ToolRun.run(["git", "init", "-q", folder.path]).status == 0)
        let verdicts = try await lint(path, in: folder)
        #expect(verdicts.actionlint.status == 0, "\(verdicts.actionlint.output)")
        #expect(verdicts.schema.status == 0, "\(verdicts.schema.output)")
        let actionPath = folder.appendingPathComponent(GitHubWorkflowTemplate.actionPath).path
        #expect(try String(contentsOfFile: actionPath, encoding: .utf8) == GitHubWorkflowTemplate.action)
        let actionSchema = try await ToolRun.run([
            try ToolRun.venvTool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", actionPath,
        ])
        #expect(actionSchema.status == 0, "\(actionSchema.output)")
        #expect(workflow.components(separatedBy: "uses: ./.github/actions/setup-mailferry").count == 4, "every job")

        // The action's scripts go through shellcheck too: actionlint checks a workflow that runs them.
        let inlined = folder.appendingPathComponent("inlined.yml").path
        try Self.workflowRunningTheActionsScripts(actionPath).write(toFile: inlined, atomically: true, encoding: .utf8)
        let inlinedVerdict = try await ToolRun.run(
            [try ToolRun.venvTool("actionlint"), "-no-color", inlined], in: folder)
        #expect(inlinedVerdict.status == 0, "\(inlinedVerdict.output)")

        // Both judges fail a broken workflow: a step without `run` or `uses`, and a bad expression.
        let broken = folder.appendingPathComponent("broken.yml").path
        try workflow.replacingOccurrences(
            of: "      - uses: actions/checkout@v4\n", with: "      - usess: actions/checkout@v4\n"
        )
        .write(toFile: broken, atomically: true, encoding: .utf8)
        let brokenVerdicts = try await lint(broken, in: folder)
        #expect(brokenVerdicts.actionlint.status != 0)
        #expect(brokenVerdicts.schema.status != 0)
        let badExpression = folder.appendingPathComponent("bad-expression.yml").path
        try workflow.replacingOccurrences(of: "${{ vars.MAILFERRY_IMAGE }}", with: "${{ vars.MAILFERRY_IMAGE }")
            .write(toFile: badExpression, atomically: true, encoding: .utf8)
        #expect(try await lint(badExpression, in: folder).actionlint.status != 0)
        // A misspelt input of the local action is caught: actionlint reads the action's metadata.
        let badInput = folder.appendingPathComponent(".github/workflows/bad-input.yml").path
        try workflow.replacingOccurrences(of: "users-files:", with: "user-files:")
            .write(toFile: badInput, atomically: true, encoding: .utf8)
        #expect(try await lint(badInput, in: folder).actionlint.status != 0)
    }

    @Test func inAScaffoldedFolderOnlyTheWorkflowIsWrittenAndNeverOverwritten() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = try MailferryBinary.locate()
        #expect(try await binary.run(["init", folder.path]).status == 0)
        let job = folder.appendingPathComponent("jobs/example.yaml")
        try Data("# mine\n".utf8).write(to: job)
        let ci = try await binary.run(["init", "--ci", "github", folder.path])
        #expect(ci.status == 0, "\(ci.stderr)")
        #expect(try String(contentsOf: job, encoding: .utf8) == "# mine\n")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(GitHubWorkflowTemplate.path).path))
        let again = try await binary.run(["init", "--ci", "github", folder.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("refusing to overwrite"))
        let unknown = try await binary.run(["init", "--ci", "jenkins", folder.path])
        #expect(unknown.status == 1)
    }

    /// The workflow's "Plan the changed jobs" step, as bash runs it on GitHub, in a git checkout whose
    /// pull request adds a 500-user job: one comment, headed by the marker, under GitHub's limit.
    @Test func planStepWritesOneCommentUnderGitHubsLimitFor500Users() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = try MailferryBinary.locate()
        #expect(try await binary.run(["init", "--ci", "github", folder.path]).status == 0)
        func git(_ arguments: [String]) async throws {
            let result = try await ToolRun.run(
                ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"] + arguments, in: folder)
            #expect(result.status == 0, "git \(arguments): \(result.output)")
        }
        try await git(["init", "-q", "-b", "main"])
        try await git(["add", "."])
        try await git(["commit", "-q", "-m", "scaffold"])
        let base = try await ToolRun.run(["git", "rev-parse", "HEAD"], in: folder).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let job = try String(contentsOf: folder.appendingPathComponent("jobs/example.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "name: example", with: "name: big")
            .replacingOccurrences(of: "../users/example.csv", with: "../users/big.csv")
        try job.write(to: folder.appendingPathComponent("jobs/big.yaml"), atomically: true, encoding: .utf8)
        let users = (0..<500).map { "user\($0)@old.example,pw-\($0),user\($0)\n" }.joined()
        let usersPath = folder.appendingPathComponent("users/big.csv").path
        try users.write(toFile: usersPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: usersPath)
        try await git(["add", "jobs/big.yaml"])
        try await git(["commit", "-q", "-m", "a job of 500 users"])

        let script = try await Self.runScript(
            ofStep: "Plan the changed jobs", in: folder.appendingPathComponent(GitHubWorkflowTemplate.path).path)
        let summary = folder.appendingPathComponent("summary.md").path
        let run = try await ToolRun.run(
            ["bash", "-e", "-c", script], in: folder,
            environment: [
                "ONLINE": "false", "BASE_SHA": base, "GITHUB_STEP_SUMMARY": summary,
                "PATH": binary.url.deletingLastPathComponent().path + ":"
                    + (ProcessInfo.processInfo.environment["PATH"] ?? ""),
            ])
        #expect(run.status == 0, "\(run.output)")
        let comment = try String(contentsOf: folder.appendingPathComponent("plan-comment.md"), encoding: .utf8)
        #expect(comment.hasPrefix(GitHubWorkflowTemplate.commentMarker + "\n## mailferry plan: `big`"))
        #expect(!comment.contains("mailferry plan: `example`"), "only the changed job is planned")
        #expect(comment.contains("Offline plan"))
        #expect(comment.contains("| 500 |"), "the summary table counts all 500 users")
        #expect(comment.utf8.count < 65_536, "GitHub refuses longer comments: \(comment.utf8.count)")
        #expect(comment.contains("users left out**"), "500 user sections do not fit; the note says so")
        #expect(!comment.contains("pw-1"), "no password in the comment")
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("## mailferry plan: `big`"))
    }

    /// A one-job workflow whose steps are the local action's `run` scripts with their env, so that
    /// actionlint runs shellcheck on them (it does not lint composite actions' scripts itself).
    static func workflowRunningTheActionsScripts(_ actionPath: String) throws -> String {
        let action = try #require(try ToolRun.yamlDocuments(actionPath).first as? [String: Any])
        let steps = try #require((action["runs"] as? [String: Any])?["steps"] as? [[String: Any]])
        let encoded = try JSONSerialization.data(
            withJSONObject: [
                "name": "action scripts", "on": "push",
                "jobs": [
                    "scripts": [
                        "runs-on": "ubuntu-latest",
                        "steps": steps.map { step in
                            var copy = step
                            copy.removeValue(forKey: "shell")
                            if var environment = copy["env"] as? [String: String] {
                                for (key, _) in environment { environment[key] = "${{ github.sha }}" }
                                copy["env"] = environment
                            }
                            return copy
                        },
                    ]
                ],
            ], options: [.withoutEscapingSlashes, .sortedKeys])
        // JSON is YAML.
        return String(decoding: encoded, as: UTF8.self)
    }

    /// The `run:` script of the step named `name` in the workflow file.
    static func runScript(ofStep name: String, in workflow: String) async throws -> String {
        let documents = try ToolRun.yamlDocuments(workflow)
        let root = try #require(documents.first as? [String: Any])
        let jobs = try #require(root["jobs"] as? [String: Any])
        for case let job as [String: Any] in jobs.values {
            for case let step as [String: Any] in job["steps"] as? [Any] ?? [] where step["name"] as? String == name {
                return try #require(step["run"] as? String)
            }
        }
        Issue.record("no step named \(name)")
        throw ToolRun.Missing(path: name)
    }
}
