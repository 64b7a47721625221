import Foundation
import GRDB
import MailferryCore
import Testing

@testable import Ledger

/// State written by an older mailferry is upgraded when opened, keeping what it says.
@Suite struct LedgerUpgradeTests {
    /// v2 kept every copy's journal row (committed or found) next to its baseline entry; v3 keeps only
    /// the open intents, under their ids, and the baseline as it was.
    @Test func aVersion2StateKeepsItsOpenIntentsAndBaseline() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let path = temporary.child(Ledger.databaseFileName)
        do {
            let queue = try DatabaseQueue(path: path)
            try LedgerSchema.migrator.migrate(queue, upTo: "v2: per-message sync baseline")
            try queue.write { db in
                let journal = """
                    INSERT INTO journal (source_user, source_folder, source_key, identity, destination_folder, state,
                        destination_uid, recorded_at)
                    VALUES (?, '["INBOX"]', ?, 'mid:<a@x>:10', '["INBOX"]', ?, ?, '2026-12-01T10:00:00.000Z')
                    """
                try db.execute(sql: journal, arguments: ["alice", "7:1", "committed", 1])
                try db.execute(sql: journal, arguments: ["alice", "7:2", "intent", nil])
                try db.execute(sql: journal, arguments: ["alice", "7:3", "found", nil])
                try db.execute(sql: journal, arguments: ["bob", "7:1", "committed", 1])
                try db.execute(sql: journal, arguments: ["alice", "7:4", "not-found", nil])
                try db.execute(
                    sql: """
                        INSERT INTO sync_baseline VALUES ('alice', 'alice', '["INBOX"]', '7:1', 'mid:<a@x>:10',
                            '["Archiv"]', 1, '\\Seen', '\\Seen $Work', '2026-12-01T10:00:00.000Z')
                        """)
            }
        }

        let ledger = try Ledger.open(directory: temporary.path)

        let open = try ledger.pendingIntents(sourceUser: "alice")
        #expect(open.map(\.id.rawValue) == [2])
        #expect(open.first?.sourceKey == "7:2")
        #expect(open.first?.destinationFolder == .inbox)
        #expect(try ledger.pendingIntents(sourceUser: "bob").isEmpty)
        let pair = MailboxPair(sourceUser: "alice", destinationUser: "alice")
        let baseline = try ledger.baseline(pair, destinationFolder: MailboxPath("Archiv"))
        #expect(baseline.map(\.sourceKey) == ["7:1"])
        #expect(baseline.first?.destinationUID == 1)
        #expect(baseline.first?.destinationFlags == MessageFlags(["\\Seen", "$Work"]))
        let next = try ledger.recordIntent(
            sourceUser: "alice", sourceFolder: .inbox, sourceKey: "7:5", identity: MessageIdentity(key: "k"),
            destinationFolder: .inbox)
        #expect(next.rawValue == 6, "ids go on from the last one v2 gave out")
        let integrity = try ledger.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
    }
}
