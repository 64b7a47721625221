import Foundation
import MailferryCore
import Testing

@testable import Ledger

@Suite struct LedgerFolderRecordsTests {
    func record(_ folder: String, uidNext: UInt32 = 100, modSeq: UInt64? = nil) -> FolderRecord {
        FolderRecord(
            sourceUser: "alice", sourceFolder: MailboxPath(folder),
            destinationFolder: MailboxPath("Migrated/" + folder),
            source: FolderState(uidValidity: 1_700_000_000, uidNext: uidNext, messageCount: 42, highestModSeq: modSeq),
            destination: FolderState(uidValidity: 3, uidNext: 43, messageCount: 42, highestModSeq: nil),
            syncedAt: instant(120))
    }

    @Test func missingRecordIsNil() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)

        #expect(try ledger.folderRecord(sourceUser: "alice", sourceFolder: .inbox) == nil)
    }

    @Test func roundTripWithExtremeValues() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let extreme = FolderRecord(
            sourceUser: "alice", sourceFolder: .inbox, destinationFolder: .inbox,
            source: FolderState(
                uidValidity: UInt32.max, uidNext: UInt32.max, messageCount: 0, highestModSeq: UInt64.max),
            destination: FolderState(
                uidValidity: 1, uidNext: 1, messageCount: 0, highestModSeq: 9_223_372_036_854_775_807),
            syncedAt: Date(timeIntervalSince1970: 1_795_000_000.123))

        try ledger.saveFolderRecord(extreme)
        try ledger.saveFolderRecord(record("Sent", modSeq: 77))

        #expect(try ledger.folderRecord(sourceUser: "alice", sourceFolder: .inbox) == extreme)
        #expect(
            try ledger.folderRecord(sourceUser: "alice", sourceFolder: MailboxPath("Sent"))
                == record("Sent", modSeq: 77))
        #expect(try ledger.folderRecord(sourceUser: "bob", sourceFolder: .inbox) == nil)
    }

    @Test func savingAgainReplaces() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        try ledger.saveFolderRecord(record("Sent", uidNext: 100))

        try ledger.saveFolderRecord(record("Sent", uidNext: 150))

        #expect(try ledger.folderRecord(sourceUser: "alice", sourceFolder: MailboxPath("Sent"))?.source.uidNext == 150)
        #expect(try ledger.folderRecords(sourceUser: "alice").count == 1)
    }

    @Test func listAndRemove() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        for folder in ["Sent", "INBOX", "Archive/2020"] { try ledger.saveFolderRecord(record(folder)) }

        #expect(
            try ledger.folderRecords(sourceUser: "alice").map(\.sourceFolder.description) == [
                "INBOX", "Archive/2020", "Sent",
            ])

        try ledger.removeFolderRecord(sourceUser: "alice", sourceFolder: MailboxPath("Sent"))

        #expect(
            try ledger.folderRecords(sourceUser: "alice").map(\.sourceFolder.description) == ["INBOX", "Archive/2020"])
    }
}
