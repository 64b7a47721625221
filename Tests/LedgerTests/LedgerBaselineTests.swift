import Foundation
import MailferryCore
import Testing

@testable import Ledger

/// The sync baseline and what `status` reads about complete passes.
@Suite struct LedgerBaselineTests {
    let pair = MailboxPair(sourceUser: "alice", destinationUser: "alice@new.example")

    func entry(_ key: String, folder: String = "INBOX", flags: [String] = ["\\Seen"]) -> BaselineEntry {
        BaselineEntry(
            sourceFolder: MailboxPath(folder), sourceKey: key, identity: MessageIdentity(key: "mid:<\(key)@x>:10"),
            destinationFolder: MailboxPath(folder), destinationUID: 7, sourceFlags: MessageFlags(flags),
            destinationFlags: MessageFlags(flags + ["$Work"]))
    }

    /// A folder's baseline is held in an array of its size, not one grown by doubling: 1,025 entries
    /// would otherwise take room for 2,048 (on a folder of 140,000 messages, 12 MiB for nothing).
    @Test func aFolderBaselineIsLoadedIntoAnArrayOfItsSize() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.child("state"))
        try ledger.saveBaseline((1...1025).map { entry("7:\($0)") } + [entry("9:1", folder: "Work")], for: pair)
        let inbox = try ledger.baseline(pair, destinationFolder: .inbox)
        #expect(inbox.count == 1025)
        #expect(inbox.capacity < 1100)
    }

    /// Before the entries, the reader is told how many there are and how many bytes their
    /// identities take in UTF-8 (a `BaselineStore` is sized once from these).
    @Test func theEntriesCountAndTheirIdentitiesBytesComeFirst() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.child("state"))
        var zoe = entry("7:3")
        zoe.identity = MessageIdentity(key: "mid:<Zoë-日本@x>:10")
        let entries = [entry("7:1"), entry("7:2"), zoe]
        try ledger.saveBaseline(entries + [entry("9:1", folder: "Work")], for: pair)
        var expected: (count: Int, bytes: Int)?
        var read: [BaselineEntry] = []
        try ledger.forEachBaselineEntry(pair, destinationFolder: .inbox) { count, bytes in
            expected = (count, bytes)
        } body: {
            read.append($0)
        }
        #expect(expected?.count == 3 && read.count == 3)
        #expect(expected?.bytes == entries.reduce(0) { $0 + $1.identity.key.utf8.count })
        #expect(Set(read.map(\.identity)) == Set(entries.map(\.identity)))
        try ledger.forEachBaselineEntry(pair, destinationFolder: MailboxPath("Empty")) { count, bytes in
            expected = (count, bytes)
        } body: { _ in
            Issue.record("no entry expected")
        }
        #expect(expected?.count == 0 && expected?.bytes == 0)
    }

    @Test func entriesBelongToOneMailboxPairAndFolder() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.child("state"))
        #expect(try !ledger.hasBaseline(pair))
        try ledger.saveBaseline([entry("7:1"), entry("7:2"), entry("9:1", folder: "Work")], for: pair)
        #expect(try ledger.hasBaseline(pair))
        #expect(try !ledger.hasBaseline(MailboxPair(sourceUser: "alice", destinationUser: "other@new.example")))
        let inbox = try ledger.baseline(pair, destinationFolder: .inbox)
        #expect(inbox.map(\.sourceKey).sorted() == ["7:1", "7:2"])
        #expect(inbox.first?.destinationFlags == MessageFlags(["\\Seen", "$Work"]))

        try ledger.removeBaseline([entry("7:1")], for: pair)
        try ledger.renameFolder(
            pair, sourceFolder: MailboxPath("Work"), to: MailboxPath("Jobs"), destinationFolder: MailboxPath("Work"),
            to: MailboxPath("Jobs"))
        #expect(try ledger.baseline(pair, destinationFolder: .inbox).map(\.sourceKey) == ["7:2"])
        #expect(
            try ledger.baseline(pair, destinationFolder: MailboxPath("Jobs")).map(\.sourceFolder) == [
                MailboxPath("Jobs")
            ])
        try ledger.forgetUser("alice")
        #expect(try !ledger.hasBaseline(pair))
    }

    @Test func theLastCompletePassIsTheLastDoneApply() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.child("state"))
        let doneAt = Date(timeIntervalSince1970: 1_796_000_000)
        let first = try ledger.beginRun(command: .apply, startedAt: doneAt.addingTimeInterval(-10))
        try ledger.userStarted(
            run: first, sourceUser: "alice", destinationUser: "a", at: doneAt.addingTimeInterval(-10))
        try ledger.userFinished(
            run: first, sourceUser: "alice", state: .done, counts: UserCounts(), at: doneAt, lastError: nil)
        let second = try ledger.beginRun(command: .apply, startedAt: doneAt.addingTimeInterval(50))
        try ledger.userStarted(
            run: second, sourceUser: "alice", destinationUser: "a", at: doneAt.addingTimeInterval(50))
        try ledger.userFinished(
            run: second, sourceUser: "alice", state: .partial, counts: UserCounts(), at: doneAt.addingTimeInterval(60),
            lastError: "x")
        #expect(try ledger.lastCompletedSyncs() == ["alice": doneAt])
    }
}
