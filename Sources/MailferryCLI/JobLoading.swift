import Foundation
import JobSpec
import MailferryCore

/// Loads job files the way every command does: with the process environment (the loader uses it
/// to find git, which tells whether a users file is tracked; secrets are not read).
struct JobLoading {
    private let loader = JobLoader(environment: Console.environment)

    func load(_ path: String) -> JobLoadResult {
        loader.load(jobFile: path)
    }

    /// Users files hold passwords: their lines are masked when echoed under a diagnostic.
    static func redactions(for results: [JobLoadResult]) -> [String: SnippetRedaction] {
        var redactions: [String: SnippetRedaction] = [:]
        for result in results {
            if let usersFile = result.usersFile {
                redactions[usersFile] = .usersFile(delimiter: result.job?.usersFile.delimiter)
            }
            if let job = result.job {
                redactions[job.usersFile.resolvedPath] = .usersFile(delimiter: job.usersFile.delimiter)
                redactions[job.usersFile.path] = .usersFile(delimiter: job.usersFile.delimiter)
            }
        }
        return redactions
    }
}
