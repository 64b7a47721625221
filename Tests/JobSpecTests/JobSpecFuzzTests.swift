import Foundation
import MailferryCore
import Testing

@testable import JobSpec

/// Fixed-seed fuzzing of the job-file loader and the users-file reader: the example jobs and random
/// users files, mutated. Long sessions: fuzz/README.md.
@Suite("Job spec fuzzing (fixed seed)")
struct JobSpecFuzzTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func jobLoaderSurvivesMutatedExampleJobs() throws {
        let workspace = try JobSpecProperties.Workspace(repository: Self.repository)
        defer { workspace.remove() }
        #expect(workspace.jobs.count >= 4)
        #expect(workspace.secrets.count >= 4)
        var random = SplitMix64(seed: 0x6A6F_6266_696C_65)
        let loader = JobLoader(gitTrackedCheck: { _ in false })
        let executions = 1_500
        var violations: [String] = []
        var loadedJobs = 0
        for execution in 0..<executions {
            let seed = random.pick(workspace.jobs)
            let text =
                execution < workspace.jobs.count
                ? workspace.jobs[execution]
                : String(decoding: JobSpecProperties.yamlMutator.mutate(Array(seed.utf8), &random), as: UTF8.self)
            let result = loader.load(jobFile: workspace.jobPath, contents: text)
            if result.job != nil { loadedJobs += 1 }
            if let violation = JobSpecProperties.checkDiagnostics(
                result.diagnostics, files: workspace.knownFiles(job: text), secrets: workspace.secrets)
            {
                violations.append("execution \(execution): \(violation)\n--- job:\n\(text.prefix(2000))")
            }
            if execution % 10 == 0,
                let violation = JobSpecProperties.checkJobLineEndings(text, loader: loader, path: workspace.jobPath)
            {
                violations.append("execution \(execution): \(violation)\n--- job:\n\(text.prefix(2000))")
            }
        }
        print(
            "fuzz job-file: \(executions) executions, \(violations.count) crashes/violations, \(loadedJobs) valid jobs")
        #expect(violations.isEmpty, "\(violations.prefix(2).joined(separator: "\n"))")
        // The unmutated examples load; most mutations do not.
        #expect(loadedJobs >= workspace.jobs.count && loadedJobs < executions)
    }

    @Test func usersFileReaderSurvivesRandomFiles() {
        var random = SplitMix64(seed: 0x7573_6572_73)
        let executions = 1_500
        var violations: [String] = []
        var secrets = 0
        for execution in 0..<executions {
            let file = JobSpecProperties.randomUsersFile(&random)
            secrets += file.secrets.count
            if let violation = JobSpecProperties.checkUsersFile(file, &random) {
                violations.append(
                    "execution \(execution): \(violation)\n--- users file:\n\(file.text.prefix(1000).debugDescription)")
            }
        }
        print(
            "fuzz users-file: \(executions) executions, \(violations.count) crashes/violations, \(secrets) passwords checked"
        )
        #expect(violations.isEmpty, "\(violations.prefix(2).joined(separator: "\n"))")
        #expect(secrets > executions)
    }

    /// The same files through `JobLoader`, read from disk next to a job that names them.
    @Test func usersFileThroughTheLoader() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("users-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let jobPath = directory.appendingPathComponent("job.yaml").path
        let usersPath = directory.appendingPathComponent("users.csv").path
        var random = SplitMix64(seed: 0x6C6F_6164_6572)
        let loader = JobLoader(gitTrackedCheck: { _ in false })
        let executions = 200
        var violations: [String] = []
        for execution in 0..<executions {
            let file = JobSpecProperties.randomUsersFile(&random)
            let delimiter = file.delimiter == "\t" ? "\"\\t\"" : "\"\(file.delimiter)\""
            let job = """
                version: 1
                source:
                  host: mail.old.example
                  protocol: imap4s
                destination:
                  imap:
                    host: mail.new.example
                    port: 993
                    security: tls
                users:
                  file: users.csv
                  delimiter: \(delimiter)

                """
            try file.text.write(toFile: usersPath, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: usersPath)
            let result = loader.load(jobFile: jobPath, contents: job)
            if let violation = JobSpecProperties.checkDiagnostics(
                result.diagnostics, files: [jobPath: job, usersPath: file.text], secrets: file.secrets)
            {
                violations.append("execution \(execution): \(violation)")
            }
        }
        print("fuzz users-file via JobLoader: \(executions) executions, \(violations.count) crashes/violations")
        #expect(violations.isEmpty, "\(violations.prefix(2).joined(separator: "\n"))")
    }
}
