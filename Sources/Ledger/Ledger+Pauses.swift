import Foundation
import GRDB

// A user waiting out a server's request to slow down, in the middle of a run.
extension Ledger {
    /// Marks a running user as pausing until `until` (its `resume_at`): readers see it `paused`
    /// while its run is alive, and `interrupted` like any running user if the run dies meanwhile.
    public func userPausing(run: RunID, sourceUser: String, until: Date) throws(LedgerError) {
        try setResumeAt(StoredDate.text(until), run: run, sourceUser: sourceUser)
    }

    /// The pause is over: the user shows as running again.
    public func userResuming(run: RunID, sourceUser: String) throws(LedgerError) {
        try setResumeAt(nil, run: run, sourceUser: sourceUser)
    }

    private func setResumeAt(_ text: String?, run: RunID, sourceUser: String) throws(LedgerError) {
        try write { db in
            try db.execute(
                sql: "UPDATE user_result SET resume_at = ? WHERE run_id = ? AND source_user = ? AND state = ?",
                arguments: [text, run.rawValue, sourceUser, UserState.running.rawValue])
            guard db.changesCount == 1 else { throw LedgerError.userNotStarted(run: run, sourceUser: sourceUser) }
        }
    }
}
