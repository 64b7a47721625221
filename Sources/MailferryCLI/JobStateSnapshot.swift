import Foundation
import Ledger
import MailferryCore

/// Every user of a job as the state directory records it, read-only (so also while apply runs):
/// what `status`, `status --watch` and `report` show. Users of the users file that no run reached are
/// "not started"; no state yet means every user is.
struct JobStateSnapshot {
    var directory: String
    /// One row per user of the users file, in its order.
    var rows: [UserReportRow]
    /// An apply (or other command) running now, from another process.
    var inProgress: RunInfo?
    /// Every recorded run, newest first.
    var runs: [RunInfo]

    /// The one place that reads the state for these commands.
    static func load(_ loaded: LoadedJob, stateDirectory: String, now: Date = Date()) throws -> JobStateSnapshot {
        var results: [UserResult] = []
        var inProgress: RunInfo?
        var runs: [RunInfo] = []
        if let ledger = try openIfPresent(stateDirectory) {
            results = try ledger.latestUserResults()
            inProgress = try ledger.otherRunInProgress()
            runs = try ledger.runs()
        }
        let latest = Dictionary(results.map { ($0.sourceUser, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = loaded.job.accounts.map { account in
            latest[account.sourceUser].map { UserReportRow($0, now: now) }
                ?? .notStarted(sourceUser: account.sourceUser, destinationUser: account.destinationUser)
        }
        return JobStateSnapshot(directory: stateDirectory, rows: rows, inProgress: inProgress, runs: runs)
    }

    /// True while some user is running (its run has not ended).
    var isRunning: Bool { inProgress != nil || rows.contains { $0.state == .running } }

    /// The state read-only; nil when apply never ran.
    private static func openIfPresent(_ directory: String) throws(LedgerError) -> Ledger? {
        do {
            return try Ledger.openExisting(directory: directory)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }
}
