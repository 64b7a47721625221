import Foundation
import GRDB
import MailferryCore

// The journal of copies, isync style: an intent is written before the APPEND and committed after it,
// the commit replacing the intent with the message's sync baseline entry in one transaction (see
// `commit(_:baseline:for:at:)`), so the journal holds only the copies in doubt. An intent left open
// means a crash (or a broken connection) between the two: the engine's `DeliveryDoubt` holds such
// messages back until the destination has settled, looks their identities up there and closes the
// intents, so a crash neither loses nor duplicates a message.
extension Ledger {
    /// Records the intent to copy one message; call right before its APPEND.
    public func recordIntent(
        sourceUser: String, sourceFolder: MailboxPath, sourceKey: String, identity: MessageIdentity,
        destinationFolder: MailboxPath, at: Date = Date()
    ) throws(LedgerError) -> JournalEntryID {
        let entries = try recordIntents(
            sourceUser: sourceUser, sourceFolder: sourceFolder, messages: [(sourceKey, identity)],
            destinationFolder: destinationFolder, at: at)
        guard let entry = entries.first else { throw .database(reason: "no journal entry was written") }
        return entry
    }

    /// Records the intents for a batch of messages in one transaction; call right before the batch's
    /// APPEND. The entries come back in the order of `messages`.
    public func recordIntents(
        sourceUser: String, sourceFolder: MailboxPath, messages: [(sourceKey: String, identity: MessageIdentity)],
        destinationFolder: MailboxPath, at: Date = Date()
    ) throws(LedgerError) -> [JournalEntryID] {
        try write { db in
            var statement = try RowStatement(
                """
                INSERT INTO journal (source_user, source_folder, source_key, identity, destination_folder, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, in: db)
            let folder = StoredMailboxPath.text(sourceFolder)
            let destination = StoredMailboxPath.text(destinationFolder)
            let recordedAt = StoredDate.text(at)
            var entries: [JournalEntryID] = []
            entries.reserveCapacity(messages.count)
            for message in messages {
                statement.bind(sourceUser)
                statement.bind(folder)
                statement.bind(message.sourceKey)
                statement.bind(message.identity.key)
                statement.bind(destination)
                statement.bind(recordedAt)
                try statement.execute()
                entries.append(JournalEntryID(rawValue: db.lastInsertedRowID))
            }
            return entries
        }
    }

    /// Intents still open (a crash between APPEND and commit), oldest first.
    public func pendingIntents(sourceUser: String) throws(LedgerError) -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM journal WHERE source_user = ? ORDER BY id", arguments: [sourceUser]
            ).map { row in try Ledger.journalEntry(row) }
        }
    }

    /// Closes intents whose outcome is known without a copy to commit: found on the destination by
    /// recovery (the pass that found it writes its baseline) or not delivered (copied again under a
    /// new intent, or gone from the source). One transaction.
    public func closeIntents(_ entries: [JournalEntryID]) throws(LedgerError) {
        guard !entries.isEmpty else { return }
        try write { db in try Self.deleteIntents(entries, in: db) }
    }

    /// Deletes everything recorded about one user: journal, sync baseline, folder records and results.
    /// The user's log file stays (it is the admin's record).
    public func forgetUser(_ sourceUser: String) throws(LedgerError) {
        try write { db in
            for table in ["journal", "sync_baseline", "folder_record", "user_result"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE source_user = ?", arguments: [sourceUser])
            }
        }
    }

    /// Deletes open intents; an id that is not open is an error (it was closed twice).
    static func deleteIntents(_ entries: [JournalEntryID], in db: Database) throws {
        var statement = try RowStatement("DELETE FROM journal WHERE id = ?", in: db)
        for entry in entries {
            statement.bind(entry.rawValue)
            try statement.execute()
            guard db.changesCount == 1 else { throw LedgerError.unknownJournalEntry(entry) }
        }
    }

    private static func journalEntry(_ row: Row) throws -> JournalEntry {
        JournalEntry(
            id: JournalEntryID(rawValue: try row.decode(forColumn: "id")),
            sourceUser: try row.decode(forColumn: "source_user"),
            sourceFolder: try StoredMailboxPath.path(try row.decode(forColumn: "source_folder")),
            sourceKey: try row.decode(forColumn: "source_key"),
            identity: MessageIdentity(key: try row.decode(forColumn: "identity")),
            destinationFolder: try StoredMailboxPath.path(try row.decode(forColumn: "destination_folder")),
            recordedAt: try decodeDate(row, "recorded_at")
        )
    }
}
