import Foundation
import Ledger
import MailferryCore
import Testing

@testable import Engine

/// A re-run with a state reads header fields only for the messages the state does not know: those
/// it knows keep the identity it holds for their source key and destination UID, which name the same
/// message for as long as it lives.
@Suite struct KnownIdentityTests {
    let account = Account(
        sourceUser: "alice", sourcePassword: Secret("pw"), localUser: "alice", localPassword: nil,
        destinationUser: "alice@new.example", line: 1)

    func run(_ source: InMemoryStore, _ destination: InMemoryStore, ledger: Ledger) async throws -> UserOutcome {
        let migration = UserMigration(
            account: account, rules: FolderRules(), options: MigrationOptions(), ledger: ledger,
            connector: StoreConnector(openSource: { source }, openDestination: { destination }),
            retryDelay: .milliseconds(1))
        return await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
    }

    /// The UIDs whose headers `store` read in INBOX since `before` identifications.
    func headersRead(_ store: InMemoryStore, since before: Int) -> [UInt32] {
        store.identifications.dropFirst(before).filter { $0.folder == .inbox }.flatMap(\.uids).sorted()
    }

    func inbox(_ store: InMemoryStore) -> [String] {
        store.contents(of: "INBOX").map { String(decoding: $0.bytes, as: UTF8.self) }.sorted()
    }

    @Test func aReRunReadsHeadersOnlyOfMessagesTheStateDoesNotKnow() async throws {
        let ledger = try Ledger.open(directory: NSTemporaryDirectory() + "mf-known-\(UUID().uuidString)")
        let source = InMemoryStore(folders: ["INBOX"])
        for number in 1...6 { source.add("Message-ID: <\(number)@x>\r\n\r\nbody \(number)", to: "INBOX") }
        let destination = InMemoryStore()

        // The first copy reads no header; the run after it learns every identity once.
        #expect(try await run(source, destination, ledger: ledger).counts.messagesCopied == 6)
        source.add("Message-ID: <7@x>\r\n\r\nbody 7", to: "INBOX")
        let second = try await run(source, destination, ledger: ledger)
        #expect(second.counts.messagesCopied == 1)
        #expect(second.counts.messagesPresent == 6)

        // New mail on both sides: one only on the source, one delivered to both (dual delivery during
        // the cutover), one only on the destination (the user's own).
        source.add("Message-ID: <8@x>\r\n\r\nbody 8", to: "INBOX")
        source.add("Message-ID: <9@x>\r\n\r\nbody 9", to: "INBOX")
        destination.add("Message-ID: <9@x>\r\n\r\nbody 9", to: "INBOX")
        destination.add("Message-ID: <own@new>\r\n\r\nwritten on the new server", to: "INBOX")
        let (sourceBefore, destinationBefore) = (source.identifications.count, destination.identifications.count)
        let third = try await run(source, destination, ledger: ledger)
        #expect(third.state == .done)
        #expect(third.counts.messagesCopied == 1, "message 8 copied; 9 is there already")
        #expect(third.counts.messagesPresent == 8)
        #expect(headersRead(source, since: sourceBefore) == [8, 9])
        #expect(headersRead(destination, since: destinationBefore) == [8, 9], "the two the state does not name")
        #expect(inbox(destination).filter { $0.contains("<9@x>") }.count == 1)
        #expect(inbox(destination).count == 10)

        // Nothing new: no header read on the source; on the destination only the user's own message,
        // which no sync record names.
        let (sourceAgain, destinationAgain) = (source.identifications.count, destination.identifications.count)
        let fourth = try await run(source, destination, ledger: ledger)
        #expect(fourth.counts.messagesCopied == 0)
        #expect(fourth.counts.messagesPresent == 9)
        #expect(headersRead(source, since: sourceAgain).isEmpty)
        #expect(headersRead(destination, since: destinationAgain) == [9])
        #expect(inbox(destination) == inbox(source) + ["Message-ID: <own@new>\r\n\r\nwritten on the new server"])
    }

    @Test func aFirstCopyWithADateFilterReadsNoHeaderFromASourceThatListsDates() async throws {
        let ledger = try Ledger.open(directory: NSTemporaryDirectory() + "mf-known-\(UUID().uuidString)")
        let source = InMemoryStore(folders: ["INBOX"])
        source.add("Message-ID: <old@x>\r\n\r\nold", to: "INBOX", seconds: 1_500_000_000)  // 2017
        source.add("Message-ID: <new@x>\r\n\r\nnew", to: "INBOX", seconds: 1_700_000_000)  // 2023
        let destination = InMemoryStore()
        var options = MigrationOptions()
        options.since = CalendarDay(year: 2020, month: 1, day: 1)
        let migration = UserMigration(
            account: account, rules: FolderRules(), options: options, ledger: ledger,
            connector: StoreConnector(openSource: { source }, openDestination: { destination }),
            retryDelay: .milliseconds(1))
        let outcome = await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
        #expect(outcome.counts.messagesCopied == 1)
        #expect(outcome.counts.messagesSkipped == 1)
        #expect(inbox(destination) == ["Message-ID: <new@x>\r\n\r\nnew"])
        #expect(source.listings.map(\.identified) == [false], "INTERNALDATE comes with the listing")
        #expect(source.identifications.isEmpty)
    }

    @Test func aDestinationRenumberedIsIdentifiedAfreshAndNothingIsDuplicated() async throws {
        let ledger = try Ledger.open(directory: NSTemporaryDirectory() + "mf-known-\(UUID().uuidString)")
        let source = InMemoryStore(folders: ["INBOX"])
        for number in 1...4 { source.add("Message-ID: <\(number)@x>\r\n\r\nbody \(number)", to: "INBOX") }
        let destination = InMemoryStore()
        _ = try await run(source, destination, ledger: ledger)
        source.add("Message-ID: <5@x>\r\n\r\nbody 5", to: "INBOX")
        _ = try await run(source, destination, ledger: ledger)

        // The destination server renumbers (a restore, a new server): its UIDs name nothing known now.
        destination.uidValidity = 99
        source.add("Message-ID: <6@x>\r\n\r\nbody 6", to: "INBOX")
        let before = destination.identifications.count
        let again = try await run(source, destination, ledger: ledger)
        #expect(again.counts.messagesCopied == 1)
        #expect(again.counts.messagesPresent == 5)
        #expect(destination.identifications.count == before, "listed with identities, not completed")
        #expect(inbox(destination) == inbox(source))
    }
}
