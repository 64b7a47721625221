import MailferryCore

/// Where one source folder goes, or why it does not.
public struct FolderMapping: Sendable, Hashable {
    public var source: FolderInfo
    /// Nil when skipped.
    public var destination: MailboxPath?
    /// For people: which rule decided ("skip rule \"Junk*\"", "translate \"Sent Items\" -> Sent", ...).
    public var reason: String

    public init(source: FolderInfo, destination: MailboxPath?, reason: String) {
        self.source = source
        self.destination = destination
        self.reason = reason
    }

    public var isSkipped: Bool { destination == nil }
}
