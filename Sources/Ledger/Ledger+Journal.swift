import Foundation
import GRDB
import MailferryCore

// The journal of copies, isync style: an intent is written before the APPEND and committed after it.
// An intent left uncommitted means a crash between the two; recovery looks the identity up on the
// destination and resolves it, so a crash neither loses nor duplicates a message.
extension Ledger {
    /// Records the intent to copy one message; call right before its APPEND.
    public func recordIntent(
        sourceUser: String, sourceFolder: MailboxPath, sourceKey: String, identity: MessageIdentity,
        destinationFolder: MailboxPath, at: Date = Date()
    ) throws(LedgerError) -> JournalEntryID {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO journal (source_user, source_folder, source_key, identity, destination_folder, state,
                        recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    sourceUser, StoredMailboxPath.text(sourceFolder), sourceKey, identity.key,
                    StoredMailboxPath.text(destinationFolder), JournalState.intent, StoredDate.text(at),
                ]
            )
            return JournalEntryID(rawValue: db.lastInsertedRowID)
        }
    }

    /// Marks the copy done; call right after the APPEND succeeded.
    public func commit(_ entry: JournalEntryID, destinationUID: UInt32?) throws(LedgerError) {
        try setState(of: entry, to: JournalState.committed, destinationUID: destinationUID.map { Int64($0) })
    }

    /// Intents never committed or resolved (a crash between APPEND and commit), oldest first.
    public func pendingIntents(sourceUser: String) throws(LedgerError) -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM journal WHERE source_user = ? AND state = ? ORDER BY id",
                arguments: [sourceUser, JournalState.intent]
            ).map { row in try Ledger.journalEntry(row) }
        }
    }

    /// Settles a pending intent after looking its identity up on the destination.
    public func resolve(_ entry: JournalEntryID, outcome: JournalResolution) throws(LedgerError) {
        try setState(of: entry, to: outcome.rawValue, destinationUID: nil)
    }

    /// Messages of this user known to be on the destination (committed or found by recovery).
    public func copiedCount(sourceUser: String) throws(LedgerError) -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM journal WHERE source_user = ? AND state IN (?, ?)",
                arguments: [sourceUser] + StatementArguments(JournalState.copied)
            ) ?? 0
        }
    }

    /// Source keys of one folder known to be on the destination: a shortcut, never the truth
    /// (the destination's own contents decide; this only saves work when it agrees).
    public func copiedSourceKeys(sourceUser: String, sourceFolder: MailboxPath) throws(LedgerError) -> Set<String> {
        try read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT source_key FROM journal WHERE source_user = ? AND source_folder = ? AND state IN (?, ?)",
                    arguments: [sourceUser, StoredMailboxPath.text(sourceFolder)]
                        + StatementArguments(JournalState.copied)
                )
            )
        }
    }

    /// Deletes everything recorded about one user: journal, folder records and results.
    /// The user's log file stays (it is the admin's record).
    public func forgetUser(_ sourceUser: String) throws(LedgerError) {
        try write { db in
            for table in ["journal", "folder_record", "user_result"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE source_user = ?", arguments: [sourceUser])
            }
        }
    }

    private func setState(of entry: JournalEntryID, to state: String, destinationUID: Int64?) throws(LedgerError) {
        try write { db in
            try db.execute(
                sql: "UPDATE journal SET state = ?, destination_uid = COALESCE(?, destination_uid) WHERE id = ?",
                arguments: [state, destinationUID, entry.rawValue]
            )
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
