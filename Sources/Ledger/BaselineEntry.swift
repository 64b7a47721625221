import MailferryCore

/// What both sides held when one source message was last synced: the baseline a re-run compares
/// each side against, so that a change made on the destination since (a deletion, a move, a flag)
/// is told apart from a change made on the source.
public struct BaselineEntry: Sendable, Hashable {
    public var sourceFolder: MailboxPath
    /// IMAP "uidvalidity:uid", POP3 UIDL (`MessageSummary.sourceKey`).
    public var sourceKey: String {
        get { key.description }
        set { key = CompactSourceKey(newValue) }
    }
    /// `sourceKey` as held: two numbers for an IMAP key, no string per entry.
    public private(set) var key: CompactSourceKey
    public var identity: MessageIdentity
    public var destinationFolder: MailboxPath
    /// The message's UID on the destination, when the server said (APPENDUID, or a listing).
    public var destinationUID: UInt32?
    /// The source's flags then, as the destination can store them.
    public var sourceFlags: MessageFlags
    /// The destination's flags then (after mailferry set them).
    public var destinationFlags: MessageFlags

    public init(
        sourceFolder: MailboxPath, sourceKey: String, identity: MessageIdentity, destinationFolder: MailboxPath,
        destinationUID: UInt32?, sourceFlags: MessageFlags, destinationFlags: MessageFlags
    ) {
        self.init(
            sourceFolder: sourceFolder, key: CompactSourceKey(sourceKey), identity: identity,
            destinationFolder: destinationFolder, destinationUID: destinationUID, sourceFlags: sourceFlags,
            destinationFlags: destinationFlags)
    }

    /// With the source key as held (`MessageSummary.compactSourceKey`), without its text.
    public init(
        sourceFolder: MailboxPath, key: CompactSourceKey, identity: MessageIdentity, destinationFolder: MailboxPath,
        destinationUID: UInt32?, sourceFlags: MessageFlags, destinationFlags: MessageFlags
    ) {
        self.sourceFolder = sourceFolder
        self.key = key
        self.identity = identity
        self.destinationFolder = destinationFolder
        self.destinationUID = destinationUID
        self.sourceFlags = sourceFlags
        self.destinationFlags = destinationFlags
    }
}
