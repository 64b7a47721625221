import Foundation
import MailferryCore

/// What every state folder of a job says, merged: read-only, so it also works while applies run.
/// `status` (and any other command reporting on a whole job) reads it with `read(stateDirectories:)`;
/// with a shard, only that shard's folder is read.
public struct JobState: Sendable {
    /// An apply that has not finished and whose process may still run.
    public struct RunInProgress: Sendable, Hashable {
        public var folder: JobStateFolder
        public var run: RunInfo
    }

    /// The folders read, in the order they were found.
    public var folders: [JobStateFolder]
    /// Per source user, the most recently started result of any folder.
    public var latestResults: [String: UserResult]
    /// Per source user, when it last finished an apply done (the latest of any folder).
    public var lastCompleted: [String: Date] = [:]
    public var runsInProgress: [RunInProgress]
    /// Every recorded run of every folder, newest first (run numbers count per folder).
    public var runs: [RunInfo]

    /// Reads every folder with state in each of `stateDirectories` (the directory itself and its
    /// `shard-K-of-N` subfolders), or with `shard` only `<directory>/shard-K-of-N`. Folders without
    /// state are left out; none at all gives an empty state (every user "not started").
    public static func read(stateDirectories: [String], shard: ShardSelection? = nil) throws(LedgerError) -> JobState {
        var folders: [JobStateFolder] = []
        for directory in stateDirectories {
            if let shard {
                let folder = JobStateFolder(stateDirectory: directory, shard: shard)
                if folder.holdsState { folders.append(folder) }
            } else {
                folders += JobStateFolder.all(in: directory)
            }
        }
        return try read(folders: folders)
    }

    /// Reads and merges exactly `folders` (those without state are left out).
    public static func read(folders: [JobStateFolder]) throws(LedgerError) -> JobState {
        var state = JobState(folders: [], latestResults: [:], runsInProgress: [], runs: [])
        for folder in folders where !state.folders.contains(folder) {
            try state.add(folder)
        }
        return state
    }

    private mutating func add(_ folder: JobStateFolder) throws(LedgerError) {
        let ledger: Ledger
        do {
            ledger = try Ledger.openExisting(directory: folder.path)
        } catch {
            // Removed between listing and opening.
            if case .notFound = error { return }
            throw error
        }
        folders.append(folder)
        for result in try ledger.latestUserResults() {
            if let known = latestResults[result.sourceUser], known.startedAt >= result.startedAt { continue }
            latestResults[result.sourceUser] = result
        }
        lastCompleted.merge(try ledger.lastCompletedSyncs()) { max($0, $1) }
        if let run = try ledger.otherRunInProgress() {
            runsInProgress.append(RunInProgress(folder: folder, run: run))
        }
        runs = (runs + (try ledger.runs())).sorted { $0.startedAt > $1.startedAt }
    }
}
