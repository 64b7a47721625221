import Foundation
import JobSpec
import MailferryCore
import Testing

/// A job file and its users file written into a fresh temporary directory, loaded with a git check
/// that answers as told (tests never depend on the machine's git state).
struct JobFixture {
    let directory: URL
    let job: MarkedText
    let users: MarkedText?
    let jobPath: String
    let usersPath: String

    /// `users` is written to `users.csv` next to the job (mode 0600) unless nil.
    init(job: String, users: String? = "alice,alice-Secret1,alice,alice-NewSecret1\n", usersMode: Int = 0o600)
        throws
    {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jobspec-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.job = MarkedText(job)
        self.users = users.map(MarkedText.init)
        jobPath = directory.appendingPathComponent("job.yaml").path
        usersPath = directory.appendingPathComponent("users.csv").path
        try self.job.text.write(toFile: jobPath, atomically: true, encoding: .utf8)
        if let users = self.users {
            try users.text.write(toFile: usersPath, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: usersMode], ofItemAtPath: usersPath)
        }
    }

    func write(_ text: String, to name: String) throws {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func load(gitTracks: Bool = false) -> JobLoadResult {
        JobLoader(gitTrackedCheck: { _ in gitTracks }).load(jobFile: jobPath)
    }

    /// The job file's mark `index` as a location.
    func jobMark(_ index: Int) -> Location { job.location(index, in: jobPath) }

    func usersMark(_ index: Int) -> Location {
        users?.location(index, in: usersPath) ?? Location(file: usersPath, line: 0, column: 0)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension JobLoadResult {
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// The diagnostics at one location, for `#expect` with a readable failure.
    func diagnostics(at location: Location) -> [Diagnostic] {
        diagnostics.filter { $0.location == location }
    }

    /// A readable dump for failure messages.
    var listing: String {
        diagnostics.map { "\($0.location?.description ?? "-"): \($0.severity.rawValue): \($0.message)" }
            .joined(separator: "\n")
    }
}

/// Expects exactly one diagnostic of `severity` at `location` whose message contains `fragment`.
func expectDiagnostic(
    _ result: JobLoadResult, _ severity: Diagnostic.Severity, at location: Location, containing fragment: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let matching = result.diagnostics(at: location).filter { $0.severity == severity && $0.message.contains(fragment) }
    #expect(
        matching.count == 1,
        "expected one \(severity.rawValue) containing '\(fragment)' at \(location); got:\n\(result.listing)",
        sourceLocation: sourceLocation)
}

/// A valid job skeleton; tests replace parts of it.
enum Jobs {
    static let validIMAP = """
        version: 1
        name: test-job
        source:
          host: mail.old.example
        destination:
          imap:
            host: mail.new.example
        users:
          file: users.csv
        """
}
