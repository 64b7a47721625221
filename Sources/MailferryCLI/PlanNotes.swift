import MailferryCore

/// Sentences shared by the plan renderers.
enum PlanNotes {
    /// A source reached over POP3 only (protocol pop3/pop3s, or auto with both IMAP ports at 0).
    static let inboxOnly = "only INBOX moves (POP3 has no other folders; IMAP is not enabled for this source)"
    /// A user whose state holds no sync baseline (first run, or the state directory was lost).
    static let noSyncBaseline = "flags taken from the source, deletions on the destination cannot be seen"
}

extension PlanNotes {
    /// "2 deleted on the destination since the last sync (kept deleted)", "3 to delete (gone from the source)".
    static func deletions(_ folder: FolderPlan) -> [String] {
        var notes: [String] = []
        if folder.messagesKeptDeleted > 0 {
            notes.append("\(folder.messagesKeptDeleted) deleted on the destination since the last sync (kept deleted)")
        }
        if folder.messagesToDelete > 0 {
            notes.append(
                folder.deletionsRefused
                    ? "\(folder.messagesToDelete) gone from the source: refused by the mass-delete guard "
                        + "(--allow-mass-delete)"
                    : "\(folder.messagesToDelete) to delete (gone from the source)")
        }
        return notes
    }
}

extension PlanNotes {
    /// "Shard 1/4: 3 of the job's 12 users; 2 mailboxes at once (options.concurrency shared by 4 shards)."
    static func shard(_ shard: MigrationPlan.Shard, users: Int) -> String {
        "Shard \(shard.index)/\(shard.count): \(users) of the job's \(shard.jobUsers) users; "
            + "\(shard.concurrency) \(shard.concurrency == 1 ? "mailbox" : "mailboxes") at once "
            + "(options.concurrency shared by \(shard.count) \(shard.count == 1 ? "shard" : "shards"))."
    }
}
