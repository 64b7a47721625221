import Foundation
import Ledger

/// State written straight through the Ledger API, as an apply would leave it.
enum LedgerSamples {
    static let partialError = "quota exceeded on the destination: mailbox full"
    static let failedError = "login failed at 127.0.0.1: authentication failed"

    /// alice done, bob partial, carol@old.example failed (users of `JobFixture.validUsers`), one run finished.
    @discardableResult
    static func writeFinishedRun(in directory: String) throws -> Ledger {
        let ledger = try Ledger.open(directory: directory)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let run = try ledger.beginRun(command: .apply, startedAt: start)
        let users: [(String, String, UserState, UserCounts, String?)] = [
            (
                "alice", "alice.new@new.example", .done,
                UserCounts(
                    foldersDone: 3, foldersTotal: 3, messagesCopied: 120, messagesPresent: 3, bytesCopied: 4_404_019),
                nil
            ),
            (
                "bob", "bob@new.example", .partial,
                UserCounts(
                    foldersDone: 1, foldersTotal: 2, messagesCopied: 7, messagesSkipped: 2, messagesFailed: 1,
                    bytesCopied: 2048),
                partialError
            ),
            ("carol@old.example", "carol@elsewhere.example", .failed, UserCounts(), failedError),
        ]
        for (user, destination, state, counts, error) in users {
            try ledger.userStarted(run: run, sourceUser: user, destinationUser: destination, at: start)
            try ledger.userFinished(
                run: run, sourceUser: user, state: state, counts: counts, at: start.addingTimeInterval(3.1),
                lastError: error)
            ledger.log(sourceUser: user).write("run \(run.rawValue): migrating \(user) -> \(destination)", at: start)
        }
        try ledger.finishRun(run, finishedAt: start.addingTimeInterval(4), outcome: .partial)
        return ledger
    }
}
