import Engine
import Foundation
import Ledger
import MailferryCore
import Synchronization
import Testing

@testable import MailferryCLI

@Suite struct HeapTrimmingObserverTests {
    /// What the wrapped observer saw and when the heap was trimmed, in one order.
    final class Record: MigrationObserver {
        let entries = Mutex<[String]>([])

        func handle(_ event: MigrationEvent) {
            let entry: String
            switch event {
            case .userStarted(let user, _): entry = "started \(user)"
            case .folderStarted(let user, let folder, _, _): entry = "folder \(user) \(folder)"
            case .messageCopied(let user, _): entry = "copied \(user)"
            case .retrying(let user, let attempt, _, _): entry = "retrying \(user) \(attempt)"
            case .userFinished(let user, _): entry = "finished \(user)"
            }
            entries.withLock { $0.append(entry) }
        }

        func trimmed() { entries.withLock { $0.append("trim") } }
    }

    @Test func passesEveryEventOnAndTrimsOnceAfterEachFinishedUser() {
        let record = Record()
        let observer = HeapTrimmingObserver(wrapping: record, trim: record.trimmed)
        let done = UserOutcome(state: .done, counts: UserCounts(), lastError: nil)
        observer.handle(.userStarted(sourceUser: "alice", destinationUser: "alice@new.example"))
        observer.handle(.userStarted(sourceUser: "bob", destinationUser: "bob@new.example"))
        observer.handle(.folderStarted(sourceUser: "alice", folder: MailboxPath("INBOX"), messages: 2, bytes: 10))
        observer.handle(.messageCopied(sourceUser: "alice", bytes: 5))
        observer.handle(.retrying(sourceUser: "bob", attempt: 1, delay: .seconds(1), reason: "reset"))
        observer.handle(.userFinished(sourceUser: "alice", outcome: done))
        observer.handle(.userFinished(sourceUser: "bob", outcome: done))
        #expect(
            record.entries.withLock { $0 } == [
                "started alice", "started bob", "folder alice INBOX", "copied alice", "retrying bob 1",
                "finished alice", "trim", "finished bob", "trim",
            ])
    }

    #if os(Linux)
        /// The real trim is glibc's `malloc_trim`, found at run time: a lookup that failed would
        /// leave the fix silently off.
        @Test func findsGlibcMallocTrim() {
            #expect(HeapTrimmingObserver.trimsHeap)
            HeapTrimmingObserver.trimHeap()
        }
    #endif
}
