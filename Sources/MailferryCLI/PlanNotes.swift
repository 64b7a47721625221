/// Sentences shared by the plan renderers.
enum PlanNotes {
    /// A source reached over POP3 only (protocol pop3/pop3s, or auto with both IMAP ports at 0).
    static let inboxOnly = "only INBOX moves (POP3 has no other folders; IMAP is not enabled for this source)"
}
