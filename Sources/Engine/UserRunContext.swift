import Foundation
import Ledger
import MailferryCore
import Synchronization

/// What one user's apply carries from folder to folder: who, which run, where the log and the
/// events go, and the counts so far. One per user and run, so that the folder pass and the copier
/// take it instead of a chain of parameters.
final class UserRunContext: Sendable {
    /// Counts of the attempt in progress; messages copied in an earlier attempt stay counted.
    struct Tally: Sendable {
        var counts = UserCounts()
        var folderFailures: [String] = []
        var lastError: String?
    }

    let pair: MailboxPair
    var sourceUser: String { pair.sourceUser }
    let runID: RunID
    let ledger: Ledger
    let log: UserLog
    let observer: any MigrationObserver
    private let tally = Mutex(Tally())

    init(pair: MailboxPair, runID: RunID, ledger: Ledger, observer: any MigrationObserver) {
        self.pair = pair
        self.runID = runID
        self.ledger = ledger
        self.log = ledger.log(sourceUser: pair.sourceUser)
        self.observer = observer
    }

    var counts: UserCounts { tally.withLock { $0.counts } }
    var folderFailures: [String] { tally.withLock { $0.folderFailures } }
    var lastError: String? { tally.withLock { $0.lastError } }

    func update(_ change: (inout Tally) -> Void) { tally.withLock { change(&$0) } }

    /// Present and skipped are recounted by the next listing; copies and flag updates already happened.
    func startAttempt() {
        update { tally in
            tally.counts.messagesPresent = 0
            tally.counts.messagesSkipped = 0
            tally.counts.messagesKeptDeleted = 0
            tally.counts.foldersDone = 0
            tally.folderFailures = []
        }
    }

    func write(_ line: String) { log.write(line, at: Date()) }

    /// Progress for `status` while the user runs; a failed write stops the user.
    func recordProgress() throws(LedgerError) {
        try ledger.userProgress(run: runID, sourceUser: sourceUser, counts: counts)
    }
}
