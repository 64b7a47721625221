import Foundation
import GRDB
import MailferryCore

// The journal of copies, isync style: an intent is written before the APPEND and committed after it.
// An intent left uncommitted means a crash (or a broken connection) between the two: the engine's
// `DeliveryDoubt` holds such messages back until the destination has settled, looks their identities
// up there and resolves the intents, so a crash neither loses nor duplicates a message.
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
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO journal (source_user, source_folder, source_key, identity, destination_folder, state,
                        recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            let folder = StoredMailboxPath.text(sourceFolder)
            let destination = StoredMailboxPath.text(destinationFolder)
            let recordedAt = StoredDate.text(at)
            var entries: [JournalEntryID] = []
            entries.reserveCapacity(messages.count)
            for message in messages {
                try statement.execute(arguments: [
                    sourceUser, folder, message.sourceKey, message.identity.key, destination, JournalState.intent,
                    recordedAt,
                ])
                entries.append(JournalEntryID(rawValue: db.lastInsertedRowID))
            }
            return entries
        }
    }

    /// Marks the copy done; call right after the APPEND succeeded.
    public func commit(_ entry: JournalEntryID, destinationUID: UInt32?) throws(LedgerError) {
        try commit([(entry, destinationUID)])
    }

    /// Marks several copies done in one transaction; call right after their APPEND succeeded.
    public func commit(_ entries: [(entry: JournalEntryID, destinationUID: UInt32?)]) throws(LedgerError) {
        try write { db in
            for (entry, uid) in entries {
                try Self.setJournalState(
                    of: entry, to: JournalState.committed, destinationUID: uid.map { Int64($0) }, in: db)
            }
        }
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

    /// Settles several pending intents in one transaction.
    public func resolve(_ entries: [JournalEntryID], outcome: JournalResolution) throws(LedgerError) {
        guard !entries.isEmpty else { return }
        try write { db in
            for entry in entries {
                try Self.setJournalState(of: entry, to: outcome.rawValue, destinationUID: nil, in: db)
            }
        }
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

    /// Deletes everything recorded about one user: journal, sync baseline, folder records and results.
    /// The user's log file stays (it is the admin's record).
    public func forgetUser(_ sourceUser: String) throws(LedgerError) {
        try write { db in
            for table in ["journal", "sync_baseline", "folder_record", "user_result"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE source_user = ?", arguments: [sourceUser])
            }
        }
    }

    private func setState(of entry: JournalEntryID, to state: String, destinationUID: Int64?) throws(LedgerError) {
        try write { db in try Self.setJournalState(of: entry, to: state, destinationUID: destinationUID, in: db) }
    }

    static func setJournalState(
        of entry: JournalEntryID, to state: String, destinationUID: Int64?, in db: Database
    ) throws {
        try db.cachedStatement(
            sql: "UPDATE journal SET state = ?, destination_uid = COALESCE(?, destination_uid) WHERE id = ?"
        ).execute(arguments: [state, destinationUID, entry.rawValue])
        guard db.changesCount == 1 else { throw LedgerError.unknownJournalEntry(entry) }
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
