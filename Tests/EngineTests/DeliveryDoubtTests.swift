import Foundation
import Ledger
import MailferryCore
import Synchronization
import Testing

@testable import Engine

/// The waiting and the journal bookkeeping of deliveries in doubt, on an injected clock; the crash
/// itself is tested end to end in `CrashResumeEndToEndTests`.
@Suite struct DeliveryDoubtTests {
    static func ledger() throws -> Ledger {
        try Ledger.open(directory: NSTemporaryDirectory() + "mf-doubt-\(UUID().uuidString)")
    }

    static func intents(_ ledger: Ledger, keys: [String], folder: String = "INBOX", at: Date) throws -> [JournalEntry] {
        _ = try ledger.recordIntents(
            sourceUser: "alice", sourceFolder: MailboxPath(folder),
            messages: keys.map { ($0, MessageIdentity(key: "id-\($0)")) }, destinationFolder: MailboxPath(folder),
            at: at)
        return try ledger.pendingIntents(sourceUser: "alice")
    }

    /// Sleeps on a fake clock; each sleep also lets a "server" store one more message for the first
    /// `changes` sleeps, as a server finishing a dead client's batch would.
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let slept = Mutex<[Duration]>([])

        func sleep(_ duration: Duration, store: InMemoryStore, changes: Int) {
            slept.withLock { $0.append(duration) }
            now.withLock { $0 += Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
            if slept.withLock({ $0.count }) <= changes { store.add("Message-ID: <late>\r\n\r\nx", to: "INBOX") }
        }
    }

    @Test func freshIntentsWaitForTheMinimumAgeAndAQuietSecond() async throws {
        let ledger = try Self.ledger()
        let clock = Clock()
        let store = InMemoryStore()
        let start = clock.now.withLock { $0 }
        let doubt = DeliveryDoubt(try Self.intents(ledger, keys: ["7:1", "7:2"], at: start))
        try await doubt.settle(
            [MailboxPath("INBOX")], on: store, now: { clock.now.withLock { $0 } },
            sleep: { clock.sleep($0, store: store, changes: 2) })
        let slept = clock.slept.withLock { $0 }
        // 3 s for the minimum age (the server stores one message meanwhile), then a second that
        // still sees a change, then a quiet one.
        #expect(slept == [.seconds(3), .seconds(1), .seconds(1)])
    }

    @Test func oldIntentsDoNotWait() async throws {
        let ledger = try Self.ledger()
        let clock = Clock()
        let store = InMemoryStore()
        let old = clock.now.withLock { $0 } - 3600
        let doubt = DeliveryDoubt(try Self.intents(ledger, keys: ["7:1"], at: old))
        try await doubt.settle(
            [MailboxPath("INBOX")], on: store, now: { clock.now.withLock { $0 } },
            sleep: { clock.sleep($0, store: store, changes: 0) })
        #expect(clock.slept.withLock { $0 }.isEmpty)
    }

    @Test func aFolderThatNeverSettlesIsTrustedAfterTheLimit() async throws {
        let ledger = try Self.ledger()
        let clock = Clock()
        let store = InMemoryStore()
        let doubt = DeliveryDoubt(try Self.intents(ledger, keys: ["7:1"], at: clock.now.withLock { $0 } - 60))
        try await doubt.settle(
            [MailboxPath("INBOX")], on: store, now: { clock.now.withLock { $0 } },
            sleep: { clock.sleep($0, store: store, changes: 100) })
        #expect(clock.slept.withLock { $0 }.count == DeliveryDoubt.maximumSettleChecks)
    }

    @Test func resolvingClosesAFoldersIntentsCountsTheFoundAndAbandonsFoldersNotVisited() throws {
        let ledger = try Self.ledger()
        let now = Date()
        _ = try Self.intents(ledger, keys: ["7:1", "7:2", "7:3"], at: now)
        var doubt = DeliveryDoubt(try Self.intents(ledger, keys: ["9:1"], folder: "Gone", at: now))
        #expect(doubt.entries(in: MailboxPath("INBOX")).count == 3)
        let found = try doubt.resolve(MailboxPath("INBOX"), present: ["7:1", "7:3"], ledger: ledger)
        #expect(found == 2)
        // The found ones are not taken for copied by the journal: the folder's pass writes their
        // baseline, as for any message it finds present.
        #expect(try ledger.copiedCount(sourceUser: "alice") == 0)
        #expect(try ledger.pendingIntents(sourceUser: "alice").map(\.sourceKey) == ["9:1"])
        #expect(try doubt.abandon(except: [], ledger: ledger) == 1)
        #expect(try ledger.pendingIntents(sourceUser: "alice").isEmpty)
        #expect(doubt.isEmpty)
    }

    @Test func aFailedFolderKeepsItsIntents() throws {
        let ledger = try Self.ledger()
        var doubt = DeliveryDoubt(try Self.intents(ledger, keys: ["7:1"], folder: "Work", at: Date()))
        #expect(try doubt.abandon(except: [MailboxPath("Work")], ledger: ledger) == 0)
        #expect(try ledger.pendingIntents(sourceUser: "alice").count == 1)
    }
}
