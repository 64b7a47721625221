import Foundation
import Ledger
import MailferryCore

/// Every user of a job as its state records it, read-only (so also while apply runs): what `status`,
/// `status --watch` and `report` show. The state of every shard (`<state>/shard-K-of-N/`) is merged
/// with the job's own (`JobState`): each user shows its most recent result. Users of the users file
/// that no run reached are "not started"; no state yet means every user is.
struct JobStateSnapshot {
    /// The (first) state directory, or with a shard its shard folder.
    var directory: String
    /// The folders whose state was read.
    var folders: [JobStateFolder]
    /// One row per user of the users file (of the shard), in its order.
    var rows: [UserReportRow]
    /// An apply (or other command) running now, from another process (the first found).
    var inProgress: RunInfo?
    /// Every apply running now, with its folder.
    var runsInProgress: [JobState.RunInProgress]
    /// Every recorded run, newest first.
    var runs: [RunInfo]

    /// The one place that reads the state for these commands.
    static func load(_ loaded: LoadedJob, stateDirectory: String, now: Date = Date()) throws -> JobStateSnapshot {
        try load(loaded, stateDirectories: [stateDirectory], shard: nil, now: now)
    }

    /// The state of `stateDirectories` (each with its shard folders), or only shard `shard`'s.
    static func load(
        _ loaded: LoadedJob, stateDirectories: [String], shard: ShardSelection?, now: Date = Date()
    ) throws -> JobStateSnapshot {
        let state = try JobState.read(stateDirectories: stateDirectories, shard: shard)
        let accounts = shard.map { $0.select(loaded.job.accounts) } ?? loaded.job.accounts
        let rows = accounts.map { account in
            var row =
                state.latestResults[account.sourceUser].map { UserReportRow($0, now: now) }
                ?? .notStarted(sourceUser: account.sourceUser, destinationUser: account.destinationUser)
            row.lastCompletedAt = state.lastCompleted[account.sourceUser]
            return row
        }
        let directory = stateDirectories.first.map { JobStateFolder(stateDirectory: $0, shard: shard).path } ?? ""
        return JobStateSnapshot(
            directory: directory, folders: state.folders, rows: rows, inProgress: state.runsInProgress.first?.run,
            runsInProgress: state.runsInProgress, runs: state.runs)
    }

    /// True while some user is running (its run has not ended).
    var isRunning: Bool { inProgress != nil || rows.contains { $0.state == .running } }
}
