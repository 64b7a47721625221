import Engine
import Foundation
import JobSpec
import Ledger
import MailStores
import MailferryCore
import TestSupport
import Testing

/// A one-user job from a source block into a Maildir that `destination` serves, loaded as `apply`
/// loads it, and one migration run of it through the engine.
enum MaildirJob {
    /// `source` is the YAML under `source:` after `host:` (protocol, ports, tls), indented by two.
    static func load(
        name: String, source: String, destination: DovecotServer, user: (String, String), directory: String
    ) throws -> Job {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let yaml = """
            version: 1
            name: \(name)
            source:
              host: 127.0.0.1
            \(source)
              timeout: 20s
            destination:
              maildir:
                path: \(destination.directory)/mail/{user}/Maildir
            users:
              file: users.csv
            options:
              retries: 1
            """
        try yaml.write(toFile: directory + "/job.yaml", atomically: true, encoding: .utf8)
        try "\(user.0),\(user.1)\n".write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        chmod(directory + "/users.csv", 0o600)
        let loaded = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: directory + "/job.yaml")
        return try #require(loaded.job, "job invalid: \(loaded.diagnostics.map(\.message))")
    }

    /// One run for the job's first account through `ApplyRun`, recorded in `ledger`.
    static func migrate(_ job: Job, ledger: Ledger) async throws -> UserOutcome {
        let account = try #require(job.accounts.first)
        let factory = StoreFactory(job: job, environment: [:])
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let outcome = try #require(
            await ApplyRun(
                rules: job.folders, options: job.options, ledger: ledger, runID: run, retryDelay: .milliseconds(50)
            ) { factory.connector(for: $0) }.outcomes([account], concurrency: 1)[account.sourceUser])
        try ledger.finishRun(run, finishedAt: Date(), outcome: .completed)
        return outcome
    }
}
