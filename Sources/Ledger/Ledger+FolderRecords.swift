import Foundation
import GRDB
import MailferryCore

// Folder sync records: one row per user and source folder, replaced after every complete sync.
extension Ledger {
    public func folderRecord(sourceUser: String, sourceFolder: MailboxPath) throws(LedgerError) -> FolderRecord? {
        try read { db in
            // Cached: read for every folder of every pass, and preparing the statement cost many
            // times the read itself (`bench/RESULTS.md`, run C2).
            let statement = try db.cachedStatement(
                sql: "SELECT * FROM folder_record WHERE source_user = ? AND source_folder = ?")
            guard
                let row = try Row.fetchOne(statement, arguments: [sourceUser, StoredMailboxPath.text(sourceFolder)])
            else { return nil }
            return try Ledger.folderRecord(row)
        }
    }

    /// All of a user's folder records, sorted by source folder.
    public func folderRecords(sourceUser: String) throws(LedgerError) -> [FolderRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM folder_record WHERE source_user = ?", arguments: [sourceUser])
                .map { row in try Ledger.folderRecord(row) }
                .sorted { $0.sourceFolder < $1.sourceFolder }
        }
    }

    /// Saves (replaces) the record of `record.sourceFolder`.
    public func saveFolderRecord(_ record: FolderRecord) throws(LedgerError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO folder_record (
                        source_user, source_folder, destination_folder,
                        source_uid_validity, source_uid_next, source_message_count, source_highest_modseq,
                        destination_uid_validity, destination_uid_next, destination_message_count,
                        destination_highest_modseq, messages_present, messages_skipped, messages_kept_deleted, synced_at
                    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.sourceUser, StoredMailboxPath.text(record.sourceFolder),
                    StoredMailboxPath.text(record.destinationFolder),
                    Int64(record.source.uidValidity), Int64(record.source.uidNext), record.source.messageCount,
                    record.source.highestModSeq.map { Int64(bitPattern: $0) },
                    Int64(record.destination.uidValidity), Int64(record.destination.uidNext),
                    record.destination.messageCount, record.destination.highestModSeq.map { Int64(bitPattern: $0) },
                    record.messagesPresent, record.messagesSkipped, record.messagesKeptDeleted,
                    StoredDate.text(record.syncedAt),
                ]
            )
        }
    }

    /// Forgets one folder's record (its next sync compares everything again).
    public func removeFolderRecord(sourceUser: String, sourceFolder: MailboxPath) throws(LedgerError) {
        try write { db in
            try db.execute(
                sql: "DELETE FROM folder_record WHERE source_user = ? AND source_folder = ?",
                arguments: [sourceUser, StoredMailboxPath.text(sourceFolder)]
            )
        }
    }

    private static func folderRecord(_ row: Row) throws -> FolderRecord {
        func state(_ side: String) throws -> FolderState {
            let uidValidity: Int64 = try row.decode(forColumn: "\(side)_uid_validity")
            let uidNext: Int64 = try row.decode(forColumn: "\(side)_uid_next")
            let modSeq: Int64? = try row.decode(forColumn: "\(side)_highest_modseq")
            return FolderState(
                uidValidity: UInt32(truncatingIfNeeded: uidValidity), uidNext: UInt32(truncatingIfNeeded: uidNext),
                messageCount: try row.decode(forColumn: "\(side)_message_count"),
                highestModSeq: modSeq.map { UInt64(bitPattern: $0) }
            )
        }
        return FolderRecord(
            sourceUser: try row.decode(forColumn: "source_user"),
            sourceFolder: try StoredMailboxPath.path(try row.decode(forColumn: "source_folder")),
            destinationFolder: try StoredMailboxPath.path(try row.decode(forColumn: "destination_folder")),
            source: try state("source"),
            destination: try state("destination"),
            messagesPresent: try row.decode(forColumn: "messages_present"),
            messagesKeptDeleted: try row.decode(forColumn: "messages_kept_deleted"),
            messagesSkipped: try row.decode(forColumn: "messages_skipped"),
            syncedAt: try decodeDate(row, "synced_at")
        )
    }
}
