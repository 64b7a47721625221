import Foundation
import Ledger
import MailferryCore
import Testing

@testable import Engine

/// Without a state (none yet, or deleted) a folder is compared with its destination a window of
/// each side at a time: a source message waits for the destination's later windows before it is
/// found missing, so the order the destination holds its messages in never causes a copy twice.
@Suite struct WindowedComparisonTests {
    let account = Account(
        sourceUser: "dora", sourcePassword: Secret("pw"), localUser: "dora", localPassword: nil,
        destinationUser: "dora@new.example", line: 1)

    func text(_ id: String) -> String { "Message-ID: <\(id)@x>\r\nSubject: \(id)\r\n\r\nbody of \(id)\r\n" }

    /// One apply in windows of `window` messages, with a state directory of its own (as after the
    /// state was deleted).
    func applyWithoutState(_ source: InMemoryStore, _ destination: InMemoryStore, window: Int) async throws
        -> UserOutcome
    {
        let ledger = try Ledger.open(directory: NSTemporaryDirectory() + "mf-windowed-\(UUID().uuidString)")
        return try await apply(source, destination, window: window, ledger: ledger)
    }

    func apply(
        _ source: InMemoryStore, _ destination: InMemoryStore, window: Int, ledger: Ledger,
        options: MigrationOptions = MigrationOptions(), rules: FolderRules = FolderRules()
    ) async throws -> UserOutcome {
        var migration = UserMigration(
            account: account, rules: rules, options: options, ledger: ledger,
            connector: StoreConnector(openSource: { source }, openDestination: { destination }),
            retryDelay: .milliseconds(1))
        migration.listingWindow = window
        return await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
    }

    func inbox(_ store: InMemoryStore) -> [String] {
        store.contents(of: "INBOX").map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test func aDestinationInAnotherOrderIsPairedWholeAndOnlyWhatItLacksIsCopied() async throws {
        let source = InMemoryStore()
        for number in 1...20 { source.add(text("m\(number)"), to: "INBOX") }
        // The same mail in reverse order, without m7, with one message of the user's own.
        let destination = InMemoryStore()
        destination.add(text("own"), to: "INBOX")
        for number in (1...20).reversed() where number != 7 { destination.add(text("m\(number)"), to: "INBOX") }

        let outcome = try await applyWithoutState(source, destination, window: 3)
        #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
        #expect(outcome.counts.messagesCopied == 1)
        #expect(outcome.counts.messagesPresent == 19)
        #expect(inbox(destination).count == 21)
        #expect(Set(inbox(destination)) == Set(inbox(source) + [text("own")]))
        let windows = destination.listings.filter { $0.folder == .inbox }
        #expect(windows.count == 7, "20 messages in windows of 3")
        #expect(windows.map(\.identified) == Array(repeating: true, count: 7))
    }

    @Test func repeatedMessagesArePairedAsAMultisetAcrossWindows() async throws {
        let source = InMemoryStore()
        source.add(text("twice"), to: "INBOX")
        for number in 1...8 { source.add(text("m\(number)"), to: "INBOX") }
        source.add(text("twice"), to: "INBOX")
        // One copy of the repeated message, listed in the destination's last window.
        let destination = InMemoryStore()
        for number in 1...8 { destination.add(text("m\(number)"), to: "INBOX") }
        destination.add(text("twice"), to: "INBOX")

        let outcome = try await applyWithoutState(source, destination, window: 2)
        #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
        #expect(outcome.counts.messagesCopied == 1)
        #expect(outcome.counts.messagesPresent == 9)
        #expect(inbox(destination).filter { $0 == text("twice") }.count == 2)
        #expect(inbox(destination).count == 10)
    }

    @Test func theDestinationIsListedOnlyUntilEverySourceMessageIsPaired() async throws {
        let source = InMemoryStore()
        for number in 1...2 { source.add(text("m\(number)"), to: "INBOX") }
        let destination = InMemoryStore()
        for number in 1...30 { destination.add(text("m\(number)"), to: "INBOX") }

        let outcome = try await applyWithoutState(source, destination, window: 3)
        #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
        #expect(outcome.counts.messagesCopied == 0)
        #expect(outcome.counts.messagesPresent == 2)
        #expect(destination.listings.filter { $0.folder == .inbox }.count == 1, "one window of 30 was enough")
        #expect(inbox(destination).count == 30)
    }

    @Test func aSourceMessageMissingFromEveryWindowIsCopiedOnce() async throws {
        let source = InMemoryStore()
        for number in 1...10 { source.add(text("m\(number)"), to: "INBOX") }
        let destination = InMemoryStore()
        for number in 1...10 where number != 2 && number != 9 { destination.add(text("m\(number)"), to: "INBOX") }
        for number in 1...6 { destination.add(text("own\(number)"), to: "INBOX") }

        let outcome = try await applyWithoutState(source, destination, window: 4)
        #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
        #expect(outcome.counts.messagesCopied == 2)
        #expect(outcome.counts.messagesPresent == 8)
        #expect(inbox(destination).count == 16)
        #expect(Set(inbox(destination)).count == 16, "nothing twice")
        // In source UID order, as a listing's copies always are.
        #expect(inbox(destination).suffix(2) == [text("m2"), text("m9")])
    }

    /// With a state, a message waits for the destination message its sync record names, even when
    /// another of the same identity is listed first: its flag change goes to that one.
    @Test func aReRunInWindowsPairsEachMessageWithTheOneItsRecordNames() async throws {
        let ledger = try Ledger.open(directory: NSTemporaryDirectory() + "mf-windowed-\(UUID().uuidString)")
        let source = InMemoryStore()
        source.add(text("twin"), to: "INBOX")
        for number in 1...4 { source.add(text("m\(number)"), to: "INBOX") }
        source.add(text("twin"), to: "INBOX")
        let destination = InMemoryStore()
        let first = try await apply(source, destination, window: 3, ledger: ledger)
        #expect(first.counts.messagesCopied == 6)

        // The first twin and three others leave the source; the second twin is flagged there. The
        // destination's first window now holds only the first twin, whose record is gone.
        _ = try await source.delete(uids: [1, 2, 3, 4], in: .inbox)
        try await source.setFlags(MessageFlags(["\\Flagged"]), ofUID: 6, in: .inbox)
        destination.add(text("late"), to: "INBOX")
        let second = try await apply(source, destination, window: 3, ledger: ledger)
        #expect(second.state == .done, "\(second.lastError ?? "")")
        #expect(second.counts.messagesCopied == 0)
        #expect(second.counts.messagesPresent == 2)
        #expect(second.counts.flagsUpdated == 1)
        let flagged = destination.contents(of: "INBOX").filter { $0.flags.values.contains("\\Flagged") }.map(\.uid)
        #expect(flagged == [6], "the twin the record names, not the first one listed")
        #expect(destination.contents(of: "INBOX").count == 7, "what left the source is kept")

        // And mirrored: the destination is listed to its end, so what left the source is found.
        var mirror = MigrationOptions()
        mirror.deletions = .mirror
        mirror.allowMassDelete = true
        let third = try await apply(source, destination, window: 3, ledger: ledger, options: mirror)
        #expect(third.state == .done, "\(third.lastError ?? "")")
        #expect(third.counts.messagesDeleted == 4)
        #expect(inbox(destination) == [text("m4"), text("twin"), text("late")])
    }

    /// Two source folders merged into one: the first lists the destination in windows and leaves
    /// the second what it did not pair, listed to the end, so that nothing is copied twice.
    @Test func foldersMergedIntoOneShareTheDestinationListedInWindows() async throws {
        let source = InMemoryStore(folders: ["INBOX", "Old"])
        for number in 1...5 { source.add(text("m\(number)"), to: "INBOX") }
        for number in 1...5 { source.add(text("o\(number)"), to: "Old") }
        source.add(text("m3"), to: "Old")
        let destination = InMemoryStore()
        // Everything but o4, the first folder's messages first; m3 twice, as the two folders have it.
        for id in ["m1", "m2", "m3", "m4", "m5", "o5", "m3", "o1", "o3", "o2"] {
            destination.add(text(id), to: "INBOX")
        }
        let ledger = try Ledger.open(directory: NSTemporaryDirectory() + "mf-windowed-\(UUID().uuidString)")
        let rules = FolderRules(translate: [FolderRules.Translation(source: "Old", destination: "INBOX")], merge: true)
        let outcome = try await apply(source, destination, window: 2, ledger: ledger, rules: rules)
        #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
        #expect(outcome.counts.messagesCopied == 1)
        #expect(outcome.counts.messagesPresent == 10)
        #expect(inbox(destination).count == 11)
        #expect(inbox(destination).last == text("o4"))
        #expect(inbox(destination).filter { $0 == text("m3") }.count == 2)
    }
}
