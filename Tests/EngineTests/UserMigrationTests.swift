import Foundation
import Ledger
import MailferryCore
import Testing

@testable import Engine

@Suite struct UserMigrationTests {
    let account = Account(
        sourceUser: "alice", sourcePassword: Secret("pw"), localUser: "alice", localPassword: nil,
        destinationUser: "alice@new.example", line: 1)

    func makeLedger() throws -> (Ledger, String) {
        let directory = NSTemporaryDirectory() + "mf-engine-\(UUID().uuidString)"
        return (try Ledger.open(directory: directory), directory)
    }

    func migration(_ source: InMemoryStore, _ destination: InMemoryStore, ledger: Ledger, retries: Int = 3)
        -> UserMigration
    {
        var options = MigrationOptions()
        options.retries = retries
        return UserMigration(
            account: account, rules: FolderRules(skip: ["Junk"]), options: options, ledger: ledger,
            connector: StoreConnector(openSource: { source }, openDestination: { destination }),
            retryDelay: .milliseconds(1))
    }

    func seeded() -> InMemoryStore {
        let source = InMemoryStore(folders: ["INBOX", "Work/Projects", "Junk"])
        source.add("Message-ID: <1@x>\r\n\r\nhello", to: "INBOX", flags: ["\\Seen", "$Label1"])
        source.add("Message-ID: <1@x>\r\n\r\nhello", to: "INBOX")  // a genuine duplicate
        source.add("Subject: no id\r\n\r\nbody", to: "INBOX")
        source.add("Message-ID: <2@x>\r\n\r\nwork", to: "Work/Projects", flags: ["\\Flagged"])
        source.add("Message-ID: <3@x>\r\n\r\nspam", to: "Junk")
        return source
    }

    @Test func copiesOnceAndSecondRunChangesNothing() async throws {
        let (ledger, _) = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let first = await migration(source, destination, ledger: ledger).run(in: run)
        #expect(first.state == .done)
        #expect(first.counts.messagesCopied == 4)
        #expect(destination.contents(of: "INBOX").count == 3)
        #expect(destination.contents(of: "Work/Projects").map(\.flags) == [MessageFlags(["\\Flagged"])])
        #expect(destination.contents(of: "Junk").isEmpty)
        #expect(try await destination.folders().map(\.path.description).contains("Work/Projects"))

        let second = await migration(source, destination, ledger: ledger).run(in: run)
        #expect(second.counts.messagesCopied == 0)
        #expect(destination.contents(of: "INBOX").count == 3)

        // Losing the state directory must not cause duplicates: the destination is the truth.
        let (freshLedger, _) = try makeLedger()
        let freshRun = try freshLedger.beginRun(command: .apply, startedAt: Date())
        let third = await migration(source, destination, ledger: freshLedger).run(in: freshRun)
        #expect(third.counts.messagesCopied == 0)
        #expect(third.counts.messagesPresent == 4)
    }

    @Test func aDestinationWithAnnotationsKeepsEachFolderRecordForARunWithoutTheState() async throws {
        var options = MigrationOptions()
        options.flags = false  // the fast path without CONDSTORE, which the in-memory store lacks
        func run(_ source: InMemoryStore, _ destination: InMemoryStore, _ ledger: Ledger) async throws -> UserOutcome {
            let migration = UserMigration(
                account: account, rules: FolderRules(skip: ["Junk"]), options: options, ledger: ledger,
                connector: StoreConnector(openSource: { source }, openDestination: { destination }),
                retryDelay: .milliseconds(1))
            return await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
        }
        let source = seeded()
        let destination = InMemoryStore()
        destination.keepsAnnotations = true
        let (ledger, _) = try makeLedger()
        #expect(try await run(source, destination, ledger).counts.messagesCopied == 4)
        #expect(destination.annotations.count == 2)  // INBOX and Work/Projects; Junk is skipped

        // Without the state, neither folder is listed: both are unchanged as recorded.
        let (fresh, _) = try makeLedger()
        let before = destination.listings.count
        let rerun = try await run(source, destination, fresh)
        #expect(rerun.state == .done && rerun.counts.messagesCopied == 0)
        #expect(rerun.counts.messagesPresent == 4)
        #expect(destination.listings.count == before)
        #expect(try fresh.folderRecords(sourceUser: "alice").count == 2)

        // A record that cannot be written costs only that shortcut: the folder is done and the
        // state's record saved, so a run with the state still skips it.
        let failing = InMemoryStore()
        failing.keepsAnnotations = true
        failing.failAnnotations = .folderUnavailable(folder: "INBOX", reason: "METADATA TOOMANY")
        let (third, _) = try makeLedger()
        let copied = try await run(source, failing, third)
        #expect(copied.state == .done && copied.counts.messagesCopied == 4)
        #expect(failing.annotations.isEmpty)
        #expect(try third.folderRecords(sourceUser: "alice").count == 2)
        let listed = failing.listings.count
        #expect(try await run(source, failing, third).counts.messagesCopied == 0)
        #expect(failing.listings.count == listed)
    }

    @Test func sourceFlagChangesReachTheCopies() async throws {
        let (ledger, _) = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        _ = await migration(source, destination, ledger: ledger).run(in: run)
        try await source.setFlags(MessageFlags(["\\Seen", "\\Answered"]), ofUID: 1, in: MailboxPath("Work/Projects"))
        let again = await migration(source, destination, ledger: ledger).run(in: run)
        #expect(again.counts.flagsUpdated == 1)
        #expect(destination.contents(of: "Work/Projects").first?.flags == MessageFlags(["\\Seen", "\\Answered"]))
    }

    @Test func transientFailureIsRetriedWithoutDuplicates() async throws {
        let (ledger, _) = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        destination.failAppend = (2, .interrupted(server: "dest", reason: "socket disconnected"))
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let outcome = await migration(source, destination, ledger: ledger).run(in: run)
        #expect(outcome.state == .done)
        #expect(destination.contents(of: "INBOX").count == 3)
        #expect(destination.contents(of: "Work/Projects").count == 1)
    }

    @Test func loginFailureIsNotRetriedAndReported() async throws {
        let (ledger, _) = try makeLedger()
        let attempts = Counter()
        let failing = UserMigration(
            account: account, rules: FolderRules(), options: MigrationOptions(), ledger: ledger,
            connector: StoreConnector(
                openSource: {
                    attempts.increment()
                    throw StoreError.loginFailed(server: "old", reason: "[AUTHENTICATIONFAILED] Authentication failed.")
                },
                openDestination: { InMemoryStore() }),
            retryDelay: .milliseconds(1))
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let outcome = await failing.run(in: run)
        #expect(outcome.state == .failed)
        #expect(attempts.value == 1)
        #expect(outcome.lastError?.contains("AUTHENTICATIONFAILED") == true)
        #expect(try ledger.latestUserResults().first?.state == .failed)
    }

    @Test func refusedMessageIsCountedAndOthersContinue() async throws {
        let (ledger, _) = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        destination.refuseMessagesContaining = "no id"
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let outcome = await migration(source, destination, ledger: ledger).run(in: run)
        #expect(outcome.state == .partial)
        #expect(outcome.counts.messagesFailed == 1)
        #expect(outcome.counts.messagesCopied == 3)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
