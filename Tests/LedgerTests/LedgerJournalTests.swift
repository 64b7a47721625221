import Foundation
import MailferryCore
import Testing

@testable import Ledger

@Suite struct LedgerJournalTests {
    let identity = MessageIdentity(key: "mid:<1@example.com>:2048")

    let pair = MailboxPair(sourceUser: "alice", destinationUser: "alice")

    func baselineEntry(
        _ key: String, folder: MailboxPath = .inbox, destination: MailboxPath = .inbox, uid: UInt32?
    ) -> BaselineEntry {
        BaselineEntry(
            sourceFolder: folder, sourceKey: key, identity: identity, destinationFolder: destination,
            destinationUID: uid, sourceFlags: MessageFlags(["\\Seen"]), destinationFlags: MessageFlags(["\\Seen"]))
    }

    @Test func aCommitReplacesTheIntentWithTheBaselineEntry() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)

        let entry = try ledger.recordIntent(
            sourceUser: "alice", sourceFolder: MailboxPath("Sent Items"), sourceKey: "17:4", identity: identity,
            destinationFolder: MailboxPath("Sent"))
        #expect(try ledger.pendingIntents(sourceUser: "alice").map(\.id) == [entry])
        #expect(try ledger.copiedCount(sourceUser: "alice") == 0)

        try ledger.commit(
            [entry],
            baseline: [
                baselineEntry("17:4", folder: MailboxPath("Sent Items"), destination: MailboxPath("Sent"), uid: 901)
            ],
            for: pair)

        #expect(try ledger.pendingIntents(sourceUser: "alice").isEmpty)
        #expect(try ledger.copiedCount(sourceUser: "alice") == 1)
        #expect(try ledger.copiedSourceKeys(sourceUser: "alice", sourceFolder: MailboxPath("Sent Items")) == ["17:4"])
        #expect(try ledger.copiedSourceKeys(sourceUser: "alice", sourceFolder: .inbox).isEmpty)
        #expect(try ledger.baseline(pair, destinationFolder: MailboxPath("Sent")).map(\.destinationUID) == [901])
        let journalRows = try ledger.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") }
        #expect(journalRows == 0, "the journal keeps only copies in doubt")
    }

    @Test func commitWithoutUIDIsAllowed() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let entry = try ledger.recordIntent(
            sourceUser: "pop", sourceFolder: .inbox, sourceKey: "UIDL-abc", identity: identity,
            destinationFolder: .inbox)

        try ledger.commit(
            [entry], baseline: [baselineEntry("UIDL-abc", uid: nil)],
            for: MailboxPair(sourceUser: "pop", destinationUser: "pop"))

        #expect(try ledger.copiedCount(sourceUser: "pop") == 1)
        #expect(try ledger.pendingIntents(sourceUser: "pop").isEmpty)
    }

    @Test func aCommitThatFailsLeavesTheIntentOpenAndWritesNoBaseline() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let entry = try ledger.recordIntent(
            sourceUser: "alice", sourceFolder: .inbox, sourceKey: "5:1", identity: identity, destinationFolder: .inbox)
        let closedTwice = JournalEntryID(rawValue: entry.rawValue + 1)

        #expect(throws: LedgerError.unknownJournalEntry(closedTwice)) {
            try ledger.commit([entry, closedTwice], baseline: [baselineEntry("5:1", uid: 3)], for: pair)
        }

        #expect(try ledger.pendingIntents(sourceUser: "alice").map(\.id) == [entry], "one transaction: rolled back")
        #expect(try ledger.copiedCount(sourceUser: "alice") == 0)
    }

    @Test func crashBetweenAppendAndCommitLeavesAnOpenIntentThatCloses() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let found: JournalEntryID
        let lost: JournalEntryID
        do {
            let ledger = try Ledger.open(directory: temporary.path)
            found = try ledger.recordIntent(
                sourceUser: "alice", sourceFolder: MailboxPath("INBOX/Old"), sourceKey: "5:1", identity: identity,
                destinationFolder: MailboxPath("Archive"), at: instant(30))
            lost = try ledger.recordIntent(
                sourceUser: "alice", sourceFolder: .inbox, sourceKey: "5:2",
                identity: MessageIdentity(key: "hdr:ff:10"),
                destinationFolder: .inbox, at: instant(31))
            _ = try ledger.recordIntent(
                sourceUser: "bob", sourceFolder: .inbox, sourceKey: "5:3", identity: identity, destinationFolder: .inbox
            )
            // The process dies here: no commit.
        }

        let resumed = try Ledger.open(directory: temporary.path)
        let pending = try resumed.pendingIntents(sourceUser: "alice")

        #expect(pending.map(\.id) == [found, lost])
        let first = try #require(pending.first)
        #expect(first.sourceUser == "alice")
        #expect(first.sourceFolder == MailboxPath("INBOX/Old"))
        #expect(first.sourceKey == "5:1")
        #expect(first.identity == identity)
        #expect(first.destinationFolder == MailboxPath("Archive"))
        #expect(first.recordedAt == instant(30))

        try resumed.closeIntents([found, lost])

        #expect(try resumed.pendingIntents(sourceUser: "alice").isEmpty)
        #expect(try resumed.pendingIntents(sourceUser: "bob").count == 1, "users are separate")
    }

    @Test func unknownEntriesAreErrors() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let missing = JournalEntryID(rawValue: 77)

        #expect(throws: LedgerError.unknownJournalEntry(missing)) {
            try ledger.commit([missing], baseline: [], for: pair)
        }
        #expect(throws: LedgerError.unknownJournalEntry(missing)) { try ledger.closeIntents([missing]) }
    }

    @Test func folderNamesWithSlashesAndNonASCIISurvive() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let source = MailboxPath(components: ["Projekte", "a/b", "Übersicht \"Q1\""])

        let entry = try ledger.recordIntent(
            sourceUser: "alice", sourceFolder: source, sourceKey: "1:1", identity: identity, destinationFolder: source)

        let pending = try #require(try ledger.pendingIntents(sourceUser: "alice").first)
        #expect(pending.id == entry)
        #expect(pending.sourceFolder == source)
        #expect(pending.destinationFolder.components == ["Projekte", "a/b", "Übersicht \"Q1\""])
    }

    @Test func forgetUserRemovesOnlyThatUser() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let run = try ledger.beginRun(command: .apply, startedAt: instant(0))
        for user in ["alice", "bob"] {
            try ledger.userStarted(run: run, sourceUser: user, destinationUser: user, at: instant(0))
            let entry = try ledger.recordIntent(
                sourceUser: user, sourceFolder: .inbox, sourceKey: "1:1", identity: identity, destinationFolder: .inbox)
            try ledger.commit(
                [entry], baseline: [baselineEntry("1:1", uid: 1)],
                for: MailboxPair(sourceUser: user, destinationUser: user))
            _ = try ledger.recordIntent(
                sourceUser: user, sourceFolder: .inbox, sourceKey: "1:2", identity: identity, destinationFolder: .inbox)
            try ledger.saveFolderRecord(
                FolderRecord(
                    sourceUser: user, sourceFolder: .inbox, destinationFolder: .inbox,
                    source: FolderState(uidValidity: 1, uidNext: 3, messageCount: 2),
                    destination: FolderState(uidValidity: 1, uidNext: 3, messageCount: 2), syncedAt: instant(1)))
        }
        ledger.log(sourceUser: "alice").write("copied INBOX uid 1", at: instant(0))

        try ledger.forgetUser("alice")

        #expect(try ledger.copiedCount(sourceUser: "alice") == 0)
        #expect(try ledger.pendingIntents(sourceUser: "alice").isEmpty)
        #expect(try ledger.folderRecord(sourceUser: "alice", sourceFolder: .inbox) == nil)
        #expect(try ledger.latestUserResults().map(\.sourceUser) == ["bob"])
        #expect(try ledger.copiedCount(sourceUser: "bob") == 1)
        #expect(try ledger.pendingIntents(sourceUser: "bob").count == 1)
        #expect(try ledger.folderRecord(sourceUser: "bob", sourceFolder: .inbox) != nil)
        #expect(try UserLog.read(directory: temporary.path, sourceUser: "alice").contains("uid 1"), "the log stays")
    }
}
