import MailferryCore

/// Where one source folder goes, or why it does not.
public struct FolderMapping: Sendable, Hashable {
    public var source: FolderInfo
    /// Nil when skipped.
    public var destination: MailboxPath?
    /// For people: which rule decided ("skip rule \"Junk*\"", "translate \"Sent Items\" -> Sent", ...).
    public var reason: String
    /// Which of the folder's messages go (all but for Gmail's All Mail).
    public var selection: MessageSelection

    public init(source: FolderInfo, destination: MailboxPath?, reason: String, selection: MessageSelection = .all) {
        self.source = source
        self.destination = destination
        self.reason = reason
        self.selection = selection
    }

    public var isSkipped: Bool { destination == nil }
}
