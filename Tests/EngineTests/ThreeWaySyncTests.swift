import Foundation
import Ledger
import MailferryCore
import Testing

@testable import Engine

/// Re-runs against the sync baseline: what the user changed on the destination since the last sync
/// survives, what changed on the source arrives, and losing the state never duplicates.
@Suite struct ThreeWaySyncTests {
    let account = Account(
        sourceUser: "alice", sourcePassword: Secret("pw"), localUser: "alice", localPassword: nil,
        destinationUser: "alice@new.example", line: 1)

    func makeLedger() throws -> Ledger {
        try Ledger.open(directory: NSTemporaryDirectory() + "mf-threeway-\(UUID().uuidString)")
    }

    func run(
        _ source: InMemoryStore, _ destination: InMemoryStore, ledger: Ledger,
        options: MigrationOptions = MigrationOptions()
    ) async throws -> UserOutcome {
        let migration = UserMigration(
            account: account, rules: FolderRules(), options: options, ledger: ledger,
            connector: StoreConnector(openSource: { source }, openDestination: { destination }),
            retryDelay: .milliseconds(1))
        return await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
    }

    func seeded() -> InMemoryStore {
        let source = InMemoryStore(folders: ["INBOX", "Archive"])
        for number in 1...4 {
            source.add("Message-ID: <\(number)@x>\r\n\r\nbody \(number)", to: "INBOX", flags: ["\\Seen"])
        }
        source.add("Message-ID: <5@x>\r\n\r\nold", to: "Archive")
        return source
    }

    func identities(_ store: InMemoryStore, _ folder: String) -> [String] {
        store.contents(of: folder).map { String(decoding: $0.bytes, as: UTF8.self) }.sorted()
    }

    @Test func aMessageDeletedOnTheDestinationStaysDeletedUnlessRestored() async throws {
        let ledger = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        #expect(try await run(source, destination, ledger: ledger).state == .done)
        _ = try await destination.delete(uids: [2], in: .inbox)

        let again = try await run(source, destination, ledger: ledger)
        #expect(again.state == .done)
        #expect(again.counts.messagesCopied == 0)
        #expect(again.counts.messagesKeptDeleted == 1)
        #expect(destination.contents(of: "INBOX").count == 3)

        var restoring = MigrationOptions()
        restoring.restoreDeleted = true
        let restored = try await run(source, destination, ledger: ledger, options: restoring)
        #expect(restored.counts.messagesCopied == 1)
        #expect(destination.contents(of: "INBOX").count == 4)
    }

    @Test func aMessageMovedOnTheDestinationIsNotCopiedBack() async throws {
        let ledger = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: ledger)
        // The user moves message 3 from INBOX to Archive on the new server.
        let moved = try #require(destination.contents(of: "INBOX").first { $0.uid == 3 })
        destination.add(String(decoding: moved.bytes, as: UTF8.self), to: "Archive", flags: ["\\Seen"])
        _ = try await destination.delete(uids: [3], in: .inbox)

        let again = try await run(source, destination, ledger: ledger)
        #expect(again.counts.messagesCopied == 0)
        #expect(destination.contents(of: "INBOX").count == 3)
        #expect(destination.contents(of: "Archive").count == 2)
    }

    @Test func flagsChangedOnEitherSideMergeAndTheDestinationWinsAConflict() async throws {
        let ledger = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: ledger)
        // Source: 1 flagged, 2 unread. Destination: 1 unread (the user), 2 answered, 3 unread.
        try await source.setFlags(MessageFlags(["\\Seen", "\\Flagged"]), ofUID: 1, in: .inbox)
        try await source.setFlags(MessageFlags([String]()), ofUID: 2, in: .inbox)
        try await destination.setFlags(MessageFlags([String]()), ofUID: 1, in: .inbox)
        try await destination.setFlags(MessageFlags(["\\Seen", "\\Answered"]), ofUID: 2, in: .inbox)
        try await destination.setFlags(MessageFlags(["\\Seen", "$Work"]), ofUID: 3, in: .inbox)
        try await source.setFlags(MessageFlags([String]()), ofUID: 3, in: .inbox)

        _ = try await run(source, destination, ledger: ledger)
        let flags = Dictionary(uniqueKeysWithValues: destination.contents(of: "INBOX").map { ($0.uid, $0.flags) })
        #expect(flags[1] == MessageFlags(["\\Flagged"]), "the source's \\Flagged arrives, the user's unread stays")
        #expect(flags[2] == MessageFlags(["\\Answered"]), "the source's unread arrives, the user's \\Answered stays")
        #expect(flags[3] == MessageFlags(["$Work"]), "\\Seen removed on the source: applied; the keyword stays")
        #expect(flags[4] == MessageFlags(["\\Seen"]))

        // Both sides change \Seen of message 1 since (the source marks it unread, the user reads it):
        // the destination wins, and later runs keep it.
        try await source.setFlags(MessageFlags(["\\Flagged"]), ofUID: 1, in: .inbox)
        try await destination.setFlags(MessageFlags(["\\Seen", "\\Flagged"]), ofUID: 1, in: .inbox)
        _ = try await run(source, destination, ledger: ledger)
        _ = try await run(source, destination, ledger: ledger)
        #expect(
            destination.contents(of: "INBOX").first { $0.uid == 1 }?.flags == MessageFlags(["\\Seen", "\\Flagged"]))
    }

    @Test func withoutStateNothingIsDuplicatedAndFlagsComeFromTheSource() async throws {
        let source = seeded()
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: try makeLedger())
        try await destination.setFlags(MessageFlags([String]()), ofUID: 1, in: .inbox)
        let fresh = try await run(source, destination, ledger: try makeLedger())
        #expect(fresh.counts.messagesCopied == 0)
        #expect(fresh.counts.flagsUpdated == 1)
        #expect(destination.contents(of: "INBOX").count == 4)
    }

    @Test func aNewUIDValidityRepairsByIdentity() async throws {
        let ledger = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: ledger)
        _ = try await destination.delete(uids: [4], in: .inbox)
        // The re-run after the deletion learns the identity of the message copied without one
        // (a cold copy lists no identities); then the source renumbers its folders.
        #expect(try await run(source, destination, ledger: ledger).counts.messagesKeptDeleted == 1)
        source.uidValidity = 8
        let again = try await run(source, destination, ledger: ledger)
        #expect(again.counts.messagesCopied == 0)
        #expect(again.counts.messagesKeptDeleted == 1)
        #expect(destination.contents(of: "INBOX").count == 3)
        // The baseline now names the new keys: a third run is as quiet.
        let third = try await run(source, destination, ledger: ledger)
        #expect(third.counts.messagesCopied == 0 && third.counts.messagesKeptDeleted == 1)
    }

    @Test func aMessageMovedOnTheSourceArrivesInItsNewFolder() async throws {
        let ledger = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: ledger)
        let moved = try #require(source.contents(of: "INBOX").first { $0.uid == 2 })
        source.add(String(decoding: moved.bytes, as: UTF8.self), to: "Archive", flags: ["\\Seen"])
        _ = try await source.delete(uids: [2], in: .inbox)
        let again = try await run(source, destination, ledger: ledger)
        #expect(again.counts.messagesCopied == 1)
        #expect(identities(destination, "Archive").contains { $0.contains("<2@x>") })
        // Kept in INBOX too: deletions are not mirrored by default.
        #expect(identities(destination, "INBOX").contains { $0.contains("<2@x>") })
    }

    @Test func aFolderRenamedOnTheSourceIsRenamedOnTheDestination() async throws {
        let ledger = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: ledger)
        try await source.rename(MailboxPath("Archive"), to: MailboxPath("Old Mail"))
        let again = try await run(source, destination, ledger: ledger)
        #expect(again.state == .done)
        #expect(again.counts.messagesCopied == 0)
        #expect(destination.contents(of: "Old Mail").count == 1)
        #expect(try await destination.folders().map(\.path.description).sorted() == ["INBOX", "Old Mail"])
    }

    @Test func mirrorRemovesWhatLeftTheSourceAndNeverTheUsersOwnMail() async throws {
        let ledger = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: ledger)
        destination.add("Message-ID: <own@new>\r\n\r\nwritten on the new server", to: "INBOX")
        _ = try await source.delete(uids: [1], in: .inbox)
        var mirror = MigrationOptions()
        mirror.deletions = .mirror
        let mirrored = try await run(source, destination, ledger: ledger, options: mirror)
        #expect(mirrored.state == .done)
        #expect(mirrored.counts.messagesDeleted == 1)
        #expect(!identities(destination, "INBOX").contains { $0.contains("<1@x>") })
        #expect(identities(destination, "INBOX").contains { $0.contains("<own@new>") })
        #expect(destination.contents(of: "INBOX").count == 4)
    }

    @Test func theGuardRefusesToEmptyAFolderTheSourceShowsEmpty() async throws {
        let ledger = try makeLedger()
        let source = seeded()
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: ledger)
        _ = try await source.delete(uids: [1], in: MailboxPath("Archive"))
        var mirror = MigrationOptions()
        mirror.deletions = .mirror
        let refused = try await run(source, destination, ledger: ledger, options: mirror)
        #expect(refused.state == .partial)
        #expect(refused.lastError?.contains("mass-delete guard") == true)
        #expect(destination.contents(of: "Archive").count == 1)

        mirror.allowMassDelete = true
        let allowed = try await run(source, destination, ledger: ledger, options: mirror)
        #expect(allowed.state == .done)
        #expect(destination.contents(of: "Archive").isEmpty)
    }
}
