// TEMPORARY stub of the JobSpec API so that the CLI compiles before the real loader lands.
// Must be deleted before the cli branch's final commit.
import MailferryCore

public struct JobLoadResult: Sendable {
    public var job: Job?
    public var diagnostics: [Diagnostic]
    public var jobFile: String
    public var usersFile: String?
}

public struct JobLoader {
    public init(environment: [String: String] = [:], gitTrackedCheck: (@Sendable (String) -> Bool)? = nil) {}

    public func load(jobFile path: String) -> JobLoadResult {
        JobLoadResult(
            job: nil, diagnostics: [.error("not implemented", at: SourceLocation(file: path, line: 1, column: 1))],
            jobFile: path, usersFile: nil)
    }
}

public enum JobSetChecks {
    public static func uniqueNames(_ results: [JobLoadResult]) -> [Diagnostic] { [] }
}
