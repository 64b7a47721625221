import Foundation
import Ledger
import MailferryCore
import Testing

@testable import Engine

@Suite("A folder's sync record kept on the destination")
struct DestinationSyncRecordTests {
    let record = FolderRecord(
        sourceUser: "alice", sourceFolder: MailboxPath("Work/2024"), destinationFolder: MailboxPath("Archive/2024"),
        source: FolderState(uidValidity: 1_700_000_001, uidNext: 5_001, messageCount: 4_990, highestModSeq: 91_234),
        destination: FolderState(uidValidity: 42, uidNext: 4_991, messageCount: 4_980, highestModSeq: 7),
        messagesPresent: 4_980, messagesKeptDeleted: 3, messagesSkipped: 7,
        syncedAt: Date(timeIntervalSince1970: 1_765_000_000))

    func decoded(_ bytes: [UInt8]) -> FolderRecord? {
        DestinationSyncRecord.decode(
            bytes, sourceUser: "alice", sourceFolder: MailboxPath("Work/2024"),
            destinationFolder: MailboxPath("Archive/2024"))
    }

    @Test func roundTripsWithoutTheDestinationsModSeq() throws {
        let bytes = DestinationSyncRecord.encode(record)
        let text = try #require(String(validating: bytes, as: UTF8.self))
        #expect(text.hasPrefix(DestinationSyncRecord.header + "\n"))
        var expected = record
        expected.destination.highestModSeq = nil
        #expect(decoded(bytes) == expected)
        var withoutModSeq = record
        withoutModSeq.source.highestModSeq = nil
        #expect(decoded(DestinationSyncRecord.encode(withoutModSeq))?.source.highestModSeq == nil)
    }

    @Test func describesFoldersByTheSourceExactlyAndTheDestinationWithoutItsModSeq() {
        var destination = record.destination
        destination.highestModSeq = 8  // raised by writing the record itself
        #expect(DestinationSyncRecord.stillDescribes(record, source: record.source, destination: destination))
        var source = record.source
        source.highestModSeq = 91_235  // a flag changed on the source
        #expect(!DestinationSyncRecord.stillDescribes(record, source: source, destination: destination))
        for changed in [
            FolderState(uidValidity: 43, uidNext: 4_991, messageCount: 4_980),
            FolderState(uidValidity: 42, uidNext: 4_992, messageCount: 4_981),
            FolderState(uidValidity: 42, uidNext: 4_991, messageCount: 4_979),
        ] {
            #expect(!DestinationSyncRecord.stillDescribes(record, source: record.source, destination: changed))
        }
    }

    @Test func anythingElseIsNoRecord() {
        let good = String(decoding: DestinationSyncRecord.encode(record), as: UTF8.self)
        let bad = [
            "",
            "mailferry-sync-record 2\n" + good.split(separator: "\n").dropFirst().joined(separator: "\n"),
            good.replacingOccurrences(of: "source 1700000001", with: "source -1"),
            good.replacingOccurrences(of: "counts 4980", with: "counts -4980"),
            good.replacingOccurrences(of: " 91234", with: " 9x"),
            good.replacingOccurrences(of: "destination 42 4991 4980", with: "destination 42 4991"),
            good.replacingOccurrences(of: "synced", with: "sync"),
            good + String(repeating: "x", count: 5_000),
        ]
        for text in bad {
            #expect(decoded(Array(text.utf8)) == nil, "\(text.prefix(80))")
        }
        #expect(decoded([0xFF, 0xFE]) == nil)
    }

    @Test func namesOneRecordPerSourceAccountAndFolder() {
        let endpoints = UserPlan.Endpoints(inbox: "imap4s://old.example:993 (tls)", folders: nil)
        let name = DestinationSyncRecord.name(
            source: endpoints, sourceUser: "alice", sourceFolder: MailboxPath("Work/2024"))
        #expect(name.hasPrefix("sync/") && name.count == 37)
        #expect(name.dropFirst(5).allSatisfy { $0.isHexDigit })
        #expect(
            name
                == DestinationSyncRecord.name(
                    source: endpoints, sourceUser: "alice", sourceFolder: MailboxPath("Work/2024")))
        let others = [
            DestinationSyncRecord.name(source: endpoints, sourceUser: "bob", sourceFolder: MailboxPath("Work/2024")),
            DestinationSyncRecord.name(source: endpoints, sourceUser: "alice", sourceFolder: MailboxPath("Work")),
            DestinationSyncRecord.name(
                source: endpoints, sourceUser: "alice", sourceFolder: MailboxPath(components: ["Work/2024"])),
            DestinationSyncRecord.name(
                source: UserPlan.Endpoints(inbox: "imap4s://other.example:993 (tls)", folders: nil),
                sourceUser: "alice",
                sourceFolder: MailboxPath("Work/2024")),
        ]
        #expect(Set(others + [name]).count == 5)
    }
}
