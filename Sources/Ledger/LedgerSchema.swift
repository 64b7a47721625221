import GRDB

/// The state database's tables, created and upgraded by GRDB's migrator. Add a new migration for
/// every change; never edit a shipped one. Nothing here holds a password: the API takes none.
enum LedgerSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, user results, folder records, journal") { db in
            // One row per apply or dry run. Outcome stays NULL while the run is in progress; the
            // process columns let a reader tell a live run from a killed one (see ProcessIdentity).
            try db.execute(
                sql: """
                    CREATE TABLE run (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        command TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        finished_at TEXT,
                        outcome TEXT,
                        pid INTEGER NOT NULL,
                        host TEXT NOT NULL,
                        boot_id TEXT,
                        process_start TEXT
                    );
                    CREATE TABLE user_result (
                        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                        source_user TEXT NOT NULL,
                        destination_user TEXT NOT NULL,
                        state TEXT NOT NULL,
                        folders_done INTEGER NOT NULL DEFAULT 0,
                        folders_total INTEGER NOT NULL DEFAULT 0,
                        messages_copied INTEGER NOT NULL DEFAULT 0,
                        messages_present INTEGER NOT NULL DEFAULT 0,
                        messages_skipped INTEGER NOT NULL DEFAULT 0,
                        messages_failed INTEGER NOT NULL DEFAULT 0,
                        bytes_copied INTEGER NOT NULL DEFAULT 0,
                        flags_updated INTEGER NOT NULL DEFAULT 0,
                        started_at TEXT NOT NULL,
                        finished_at TEXT,
                        last_error TEXT,
                        PRIMARY KEY (run_id, source_user)
                    );
                    CREATE INDEX user_result_by_user ON user_result(source_user, run_id);
                    CREATE TABLE folder_record (
                        source_user TEXT NOT NULL,
                        source_folder TEXT NOT NULL,
                        destination_folder TEXT NOT NULL,
                        source_uid_validity INTEGER NOT NULL,
                        source_uid_next INTEGER NOT NULL,
                        source_message_count INTEGER NOT NULL,
                        source_highest_modseq INTEGER,
                        destination_uid_validity INTEGER NOT NULL,
                        destination_uid_next INTEGER NOT NULL,
                        destination_message_count INTEGER NOT NULL,
                        destination_highest_modseq INTEGER,
                        messages_present INTEGER NOT NULL DEFAULT 0,
                        messages_skipped INTEGER NOT NULL DEFAULT 0,
                        synced_at TEXT NOT NULL,
                        PRIMARY KEY (source_user, source_folder)
                    );
                    CREATE TABLE journal (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        source_user TEXT NOT NULL,
                        source_folder TEXT NOT NULL,
                        source_key TEXT NOT NULL,
                        identity TEXT NOT NULL,
                        destination_folder TEXT NOT NULL,
                        state TEXT NOT NULL,
                        destination_uid INTEGER,
                        recorded_at TEXT NOT NULL
                    );
                    CREATE INDEX journal_by_state ON journal(source_user, state);
                    CREATE INDEX journal_by_source ON journal(source_user, source_folder, source_key);
                    """
            )
        }
        migrator.registerMigration("v2: per-message sync baseline") { db in
            // What both sides held when a message was last synced: the third side of a three-way
            // re-run. One row per source message (folder + key, the key carrying IMAP's UIDVALIDITY)
            // and destination mailbox (a users file may send a source user elsewhere later); flags
            // as space-separated text, each side's as it was then.
            try db.execute(
                sql: """
                    CREATE TABLE sync_baseline (
                        source_user TEXT NOT NULL,
                        destination_user TEXT NOT NULL,
                        source_folder TEXT NOT NULL,
                        source_key TEXT NOT NULL,
                        identity TEXT NOT NULL,
                        destination_folder TEXT NOT NULL,
                        destination_uid INTEGER,
                        source_flags TEXT NOT NULL,
                        destination_flags TEXT NOT NULL,
                        synced_at TEXT NOT NULL,
                        PRIMARY KEY (source_user, destination_user, source_folder, source_key)
                    );
                    CREATE INDEX sync_baseline_by_destination
                        ON sync_baseline(source_user, destination_user, destination_folder);
                    ALTER TABLE user_result ADD COLUMN messages_kept_deleted INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE user_result ADD COLUMN messages_deleted INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE folder_record ADD COLUMN messages_kept_deleted INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE user_result ADD COLUMN resume_at TEXT;
                    """
            )
        }
        migrator.registerMigration("v3: journal of open intents") { db in
            // Every copy wrote an intent, its commit and a baseline entry into ever-growing B-trees,
            // six of them with the indexes. The journal now holds only the copies in doubt (an
            // intent leaves it in the transaction that writes its baseline entry, which is what says
            // a message was copied), so it stays a page or two and needs no index. Ids keep counting
            // from where they were, so no entry id is ever given out twice.
            try db.execute(
                sql: """
                    CREATE TABLE journal_v3 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        source_user TEXT NOT NULL,
                        source_folder TEXT NOT NULL,
                        source_key TEXT NOT NULL,
                        identity TEXT NOT NULL,
                        destination_folder TEXT NOT NULL,
                        recorded_at TEXT NOT NULL
                    );
                    INSERT INTO sqlite_sequence (name, seq)
                        SELECT 'journal_v3', seq FROM sqlite_sequence WHERE name = 'journal';
                    INSERT INTO journal_v3 (id, source_user, source_folder, source_key, identity,
                            destination_folder, recorded_at)
                        SELECT id, source_user, source_folder, source_key, identity, destination_folder, recorded_at
                        FROM journal WHERE state = 'intent';
                    DROP TABLE journal;
                    ALTER TABLE journal_v3 RENAME TO journal;
                    """
            )
        }
        return migrator
    }()
}
