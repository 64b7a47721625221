import Foundation
import GRDB
import MailferryCore

// The per-message sync baseline (table `sync_baseline`): written for every message copied (in the
// transaction that commits its journal entry) or found present, read by the next run's diff.
extension Ledger {
    /// Hands every baseline entry of one destination folder to `body`, row by row, after telling
    /// `expecting` how many there are and how many bytes their identities take in UTF-8: a folder of
    /// 200,000 messages has as many entries, which the caller keeps in a form of its own
    /// (`BaselineStore`), sized once, and must not hold twice.
    public func forEachBaselineEntry(
        _ pair: MailboxPair, destinationFolder: MailboxPath,
        expecting: (_ count: Int, _ identityBytes: Int) -> Void, body: (BaselineEntry) -> Void
    ) throws(LedgerError) {
        try read { db in
            // Each folder name decoded once and shared by the entries that name it.
            let filter = "WHERE source_user = ? AND destination_user = ? AND destination_folder = ?"
            let arguments: StatementArguments = [
                pair.sourceUser, pair.destinationUser, StoredMailboxPath.text(destinationFolder),
            ]
            // Cached statements, as for folder records: read once per folder and pass.
            let sizes = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*), TOTAL(LENGTH(CAST(identity AS BLOB))) FROM sync_baseline \(filter)"),
                arguments: arguments)
            expecting(sizes?[0] ?? 0, Int(sizes?[1] ?? 0.0))
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT * FROM sync_baseline \(filter)"), arguments: arguments)
            var folders: [String: MailboxPath] = [:]
            while let row = try rows.next() {
                body(try Ledger.baselineEntry(row, folders: &folders))
            }
        }
    }

    /// Whether any message of this user was ever synced: without it, a re-run cannot tell what the
    /// user changed on the destination.
    public func hasBaseline(_ pair: MailboxPair) throws(LedgerError) -> Bool {
        try read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM sync_baseline WHERE source_user = ? AND destination_user = ?)",
                arguments: [pair.sourceUser, pair.destinationUser]
            ) ?? false
        }
    }

    /// Records (or replaces) baseline entries in one transaction.
    public func saveBaseline(_ entries: [BaselineEntry], for pair: MailboxPair, at: Date = Date()) throws(LedgerError) {
        guard !entries.isEmpty else { return }
        try write { db in try Self.upsert(entries, for: pair, at: at, in: db) }
    }

    /// Forgets baseline entries (messages deleted on both sides, or removed by mirroring).
    public func removeBaseline(_ entries: [BaselineEntry], for pair: MailboxPair) throws(LedgerError) {
        guard !entries.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(
                sql: """
                    DELETE FROM sync_baseline
                    WHERE source_user = ? AND destination_user = ? AND source_folder = ? AND source_key = ?
                    """)
            for entry in entries {
                try statement.execute(arguments: [
                    pair.sourceUser, pair.destinationUser, StoredMailboxPath.text(entry.sourceFolder), entry.sourceKey,
                ])
            }
        }
    }

    /// Commits copies: their intents leave the journal and their baseline entries are written, in one
    /// transaction, so that a message is never taken for copied without its baseline (nor the reverse).
    public func commit(
        _ entries: [JournalEntryID], baseline: [BaselineEntry], for pair: MailboxPair, at: Date = Date()
    ) throws(LedgerError) {
        try write { db in
            try Self.deleteIntents(entries, in: db)
            try Self.upsert(baseline, for: pair, at: at, in: db)
        }
    }

    /// Messages of this user known to be on the destination: the baseline's entries, every
    /// destination mailbox counted.
    public func copiedCount(sourceUser: String) throws(LedgerError) -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM sync_baseline WHERE source_user = ?", arguments: [sourceUser]) ?? 0
        }
    }

    /// Source keys of one folder known to be on the destination (the baseline's entries).
    public func copiedSourceKeys(sourceUser: String, sourceFolder: MailboxPath) throws(LedgerError) -> Set<String> {
        try read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT source_key FROM sync_baseline WHERE source_user = ? AND source_folder = ?",
                    arguments: [sourceUser, StoredMailboxPath.text(sourceFolder)]))
        }
    }

    private static func upsert(_ entries: [BaselineEntry], for pair: MailboxPair, at: Date, in db: Database) throws {
        var statement = try RowStatement(
            """
            INSERT OR REPLACE INTO sync_baseline (source_user, destination_user, source_folder, source_key,
                identity, destination_folder, destination_uid, source_flags, destination_flags, synced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        let syncedAt = StoredDate.text(at)
        // A batch's entries share their folders: each name is written out once.
        var folders = StoredFolderNames()
        for entry in entries {
            statement.bind(pair.sourceUser)
            statement.bind(pair.destinationUser)
            statement.bind(folders.text(entry.sourceFolder))
            statement.bind(entry.sourceKey)
            statement.bind(entry.identity.key)
            statement.bind(folders.text(entry.destinationFolder))
            statement.bind(entry.destinationUID.map { Int64($0) })
            let sourceFlags = entry.sourceFlags.sorted.joined(separator: " ")
            statement.bind(sourceFlags)
            // A copy's two sides have the same flags.
            statement.bind(
                entry.destinationFlags == entry.sourceFlags
                    ? sourceFlags : entry.destinationFlags.sorted.joined(separator: " "))
            statement.bind(syncedAt)
            try statement.execute()
        }
    }

    private static func baselineEntry(_ row: Row, folders: inout [String: MailboxPath]) throws -> BaselineEntry {
        let uid: Int64? = try row.decode(forColumn: "destination_uid")
        let sourceFlags: String = try row.decode(forColumn: "source_flags")
        let destinationFlags: String = try row.decode(forColumn: "destination_flags")
        func folder(_ column: String) throws -> MailboxPath {
            let text: String = try row.decode(forColumn: column)
            if let known = folders[text] { return known }
            let path = try StoredMailboxPath.path(text)
            folders[text] = path
            return path
        }
        return BaselineEntry(
            sourceFolder: try folder("source_folder"),
            sourceKey: try row.decode(forColumn: "source_key"),
            identity: MessageIdentity(key: try row.decode(forColumn: "identity")),
            destinationFolder: try folder("destination_folder"),
            destinationUID: uid.flatMap { UInt32(exactly: $0) },
            sourceFlags: MessageFlags(sourceFlags.split(separator: " ").map(String.init)),
            destinationFlags: MessageFlags(destinationFlags.split(separator: " ").map(String.init)))
    }
}

extension Ledger {
    /// Follows a folder renamed on the source (and on the destination after it): its sync record
    /// and baseline move to the new names, so that the next pass takes up where the last one ended.
    public func renameFolder(
        _ pair: MailboxPair, sourceFolder: MailboxPath, to newSourceFolder: MailboxPath,
        destinationFolder: MailboxPath, to newDestinationFolder: MailboxPath
    ) throws(LedgerError) {
        try write { db in
            let from = StoredMailboxPath.text(sourceFolder)
            let to = StoredMailboxPath.text(newSourceFolder)
            let destination = StoredMailboxPath.text(newDestinationFolder)
            try db.execute(
                sql:
                    "UPDATE folder_record SET source_folder = ?, destination_folder = ? WHERE source_user = ? AND source_folder = ?",
                arguments: [to, destination, pair.sourceUser, from])
            try db.execute(
                sql: """
                    UPDATE sync_baseline SET source_folder = ?, destination_folder = ?
                    WHERE source_user = ? AND destination_user = ? AND source_folder = ? AND destination_folder = ?
                    """,
                arguments: [
                    to, destination, pair.sourceUser, pair.destinationUser, from,
                    StoredMailboxPath.text(destinationFolder),
                ])
        }
    }
}
