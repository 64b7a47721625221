import Foundation
import JobSpec
import Ledger
import MailferryCore
import Testing

/// A job file and its users file in a fresh temporary folder, loaded, with the job's state opened:
/// what an end-to-end test needs before it migrates. `remove()` deletes the folder.
struct TestJobFolder {
    let directory: String
    let job: Job
    let ledger: Ledger

    /// - Parameter users: the users file's text, one `source,password,local,local_password` per line.
    init(yaml: String, users: String = "alice,alice-pw,alice,alice-pw\n") throws {
        directory = NSTemporaryDirectory() + "mf-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try yaml.write(toFile: directory + "/job.yaml", atomically: true, encoding: .utf8)
        try users.write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        chmod(directory + "/users.csv", 0o600)
        let loaded = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: directory + "/job.yaml")
        job = try #require(loaded.job, "\(loaded.diagnostics.map(\.message))")
        ledger = try Ledger.open(directory: directory + "/state")
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
