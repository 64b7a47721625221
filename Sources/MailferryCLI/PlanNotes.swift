import MailferryCore

/// Sentences shared by the plan renderers.
enum PlanNotes {
    /// A source reached over POP3 only (protocol pop3/pop3s, or auto with both IMAP ports at 0).
    static let inboxOnly = "only INBOX moves (POP3 has no other folders; IMAP is not enabled for this source)"
}

extension PlanNotes {
    /// "Shard 1/4: 3 of the job's 12 users; 2 mailboxes at once (options.concurrency shared by 4 shards)."
    static func shard(_ shard: MigrationPlan.Shard, users: Int) -> String {
        "Shard \(shard.index)/\(shard.count): \(users) of the job's \(shard.jobUsers) users; "
            + "\(shard.concurrency) \(shard.concurrency == 1 ? "mailbox" : "mailboxes") at once "
            + "(options.concurrency shared by \(shard.count) \(shard.count == 1 ? "shard" : "shards"))."
    }
}
