/// A folder as a store lists it, with its name already converted to a `MailboxPath`.
public struct FolderInfo: Sendable, Hashable {
    public var path: MailboxPath
    public var specialUse: SpecialUse?
    public var subscribed: Bool
    /// False for `\Noselect` / `\NonExistent` containers: they hold no messages but may have children.
    public var selectable: Bool

    public init(path: MailboxPath, specialUse: SpecialUse? = nil, subscribed: Bool = false, selectable: Bool = true) {
        self.path = path
        self.specialUse = specialUse
        self.subscribed = subscribed
        self.selectable = selectable
    }
}

/// RFC 6154 special-use attributes that `folders.special_use` maps by (`\Important`: RFC 8457).
public enum SpecialUse: String, Sendable, Hashable, CaseIterable, Codable {
    case all = "\\All"
    case archive = "\\Archive"
    case drafts = "\\Drafts"
    case flagged = "\\Flagged"
    case important = "\\Important"
    case junk = "\\Junk"
    case sent = "\\Sent"
    case trash = "\\Trash"
}

/// What a folder looked like when read; equal states mean nothing arrived or changed (fast no-op re-run).
public struct FolderState: Sendable, Hashable, Codable {
    public var uidValidity: UInt32
    public var uidNext: UInt32
    public var messageCount: Int
    /// CONDSTORE's HIGHESTMODSEQ when the server has it: also changes when flags change.
    public var highestModSeq: UInt64?

    public init(uidValidity: UInt32, uidNext: UInt32, messageCount: Int, highestModSeq: UInt64? = nil) {
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.messageCount = messageCount
        self.highestModSeq = highestModSeq
    }
}

/// One message as listed, without its body.
public struct MessageSummary: Sendable, Hashable {
    /// UID on IMAP; a stable per-store number elsewhere (POP3: position, with `sourceKey` the UIDL).
    public var uid: UInt32 {
        didSet {
            // The key names the message as listed: it does not follow a later change of `uid`.
            if storedKey == nil, uid != oldValue { storedKey = "\(keyUIDValidity):\(oldValue)" }
        }
    }
    /// A key that names this message in its store across sessions (IMAP: "uidvalidity:uid"; POP3: "uidl:<UIDL>").
    public var sourceKey: String {
        get { storedKey ?? "\(keyUIDValidity):\(uid)" }
        set { (keyUIDValidity, storedKey) = Self.compactKey(newValue, uid: uid) }
    }
    /// `sourceKey` without building its text for an IMAP key.
    public var compactSourceKey: CompactSourceKey {
        storedKey.map(CompactSourceKey.init) ?? CompactSourceKey(uidValidity: keyUIDValidity, uid: uid)
    }
    /// An IMAP key ("uidvalidity:uid") is held as its UIDVALIDITY, `storedKey` nil, so that a listing
    /// holds no string per message (200,000 in a huge INBOX); any other key is held as it is.
    private var keyUIDValidity: UInt32
    private var storedKey: String?
    public var size: Int64
    public var internalDate: InternalDate
    public var flags: MessageFlags
    public var identity: MessageIdentity
    /// False when the store has no INTERNALDATE and none could be derived from the headers (a POP3
    /// message without `Received:` or `Date:`): `internalDate` is then the time of listing, which a
    /// later listing does not repeat, so `verify` does not compare it.
    public var internalDateKnown: Bool
    /// Gmail's message id and labels, from a source that offers X-GM-EXT-1.
    public var gmail: GmailMessage?

    public init(
        uid: UInt32, sourceKey: String, size: Int64, internalDate: InternalDate, flags: MessageFlags,
        identity: MessageIdentity, internalDateKnown: Bool = true, gmail: GmailMessage? = nil
    ) {
        self.uid = uid
        (keyUIDValidity, storedKey) = Self.compactKey(sourceKey, uid: uid)
        self.size = size
        self.internalDate = internalDate
        self.flags = flags
        self.identity = identity
        self.internalDateKnown = internalDateKnown
        self.gmail = gmail
    }

    /// An IMAP listing's summary, whose source key is "uidvalidity:uid" (without building that string).
    public init(
        uid: UInt32, uidValidity: UInt32, size: Int64, internalDate: InternalDate, flags: MessageFlags,
        identity: MessageIdentity, gmail: GmailMessage? = nil
    ) {
        self.uid = uid
        keyUIDValidity = uidValidity
        storedKey = nil
        self.size = size
        self.internalDate = internalDate
        self.flags = flags
        self.identity = identity
        internalDateKnown = true
        self.gmail = gmail
    }

    /// `key` as UIDVALIDITY alone when it is exactly "<uidvalidity>:<uid>" (so that equal keys are held
    /// alike and compare equal), otherwise as the string.
    private static func compactKey(_ key: String, uid: UInt32) -> (UInt32, String?) {
        guard let validity = CompactSourceKey(key).uidValidity(forUID: uid) else { return (0, key) }
        return (validity, nil)
    }

    /// `messages` with the identities (and, where they were unknown, the dates) an identified listing
    /// of the same folder gives them, matched by UID; a message the listing lacks stays as it was.
    public static func completing(_ messages: [MessageSummary], from listing: [MessageSummary]) -> [MessageSummary] {
        let byUID = Dictionary(listing.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
        return messages.map { message in
            guard message.identity.isUnread, let listed = byUID[message.uid] else { return message }
            var completed = message
            completed.identity = listed.identity
            if !message.internalDateKnown {
                completed.internalDate = listed.internalDate
                completed.internalDateKnown = listed.internalDateKnown
            }
            return completed
        }
    }
}

/// A message body as a stream of chunks with its size known up front, so that it flows from a
/// FETCH into an APPEND literal without ever being held whole.
public struct MessageBody: Sendable {
    public var size: Int64
    public var chunks: any AsyncSequence<[UInt8], any Error> & Sendable
    /// The same bytes in the source store's own form (an IMAP body stream), which a destination of
    /// the same kind may read instead of `chunks`, saving two copies and a hop per chunk. Read one
    /// or the other, never both.
    public var native: (any Sendable)?

    public init(size: Int64, chunks: any AsyncSequence<[UInt8], any Error> & Sendable, native: (any Sendable)? = nil) {
        self.size = size
        self.chunks = chunks
        self.native = native
    }
}

/// The side mail is read from. Never changes anything (EXAMINE, BODY.PEEK, never DELE).
public protocol SourceStore: Sendable {
    /// The endpoints this session actually uses (INBOX and the other folders), for plans and logs.
    var endpoints: UserPlan.Endpoints { get }
    func folders() async throws -> [FolderInfo]
    func state(of folder: MailboxPath) async throws -> FolderState
    func summaries(in folder: MailboxPath) async throws -> [MessageSummary]
    /// Like `summaries(in:)`; with `identified` false the store may leave out what identities need
    /// (IMAP: the header fields) and give `MessageIdentity.unread(size:)`, for a folder whose
    /// destination is empty, where nothing is paired.
    func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary]
    /// One window of the folder's listing, in UID order, and the window after it (nil after the last),
    /// so that a folder of any size is listed without being held whole. A store that cannot list
    /// part of a folder lists all of it in one window.
    func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?)
    /// `messages`, listed without identities, with their identities read (IMAP: the header fields of
    /// just these UIDs; POP3: their `TOP n 0`), so that a re-run reads headers only for the messages
    /// its state does not know. A message gone meanwhile is returned as it was.
    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary]
    /// Whether a listing without identities lacks the messages' dates too (POP3 reads them from the
    /// headers), so that a date filter needs identified listings.
    func datesNeedHeaders(in folder: MailboxPath) -> Bool
    /// Streams one message body to `consume`; the stream is valid only inside the closure.
    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath,
        _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result
    /// Streams the bodies of several messages of one folder to `consume`, in as few round trips as
    /// the protocol allows; valid only inside the closure. Messages gone from the source are left out.
    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result
    func close() async
}

/// The side mail is written to. Deletes only when asked to mirror the source's deletions.
public protocol DestinationStore: Sendable {
    /// Whether keywords are kept (IMAP PERMANENTFLAGS has `\*` or the keyword); otherwise only system flags.
    var acceptsKeywords: Bool { get }
    /// Whether the UIDs it reports name the same messages in later sessions (IMAP, while the folder
    /// keeps its UIDVALIDITY); false where they are numbers of this session only (Maildir).
    var uidsPersist: Bool { get }
    func folders() async throws -> [FolderInfo]
    /// Nil when the folder does not exist.
    func state(of folder: MailboxPath) async throws -> FolderState?
    func summaries(in folder: MailboxPath) async throws -> [MessageSummary]
    /// Like `summaries(in:)`; with `identified` false the store may leave out what identities need
    /// and give `MessageIdentity.unread(size:)`, to be completed by `identified(_:in:)` for the
    /// messages the state does not know.
    func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary]
    /// One window of the folder's listing, in UID order, and the window after it (nil after the
    /// last), as `SourceStore` lists one: a destination folder compared without a state is listed
    /// alongside its source, so that neither is held whole. A store that cannot list part of a
    /// folder lists all of it in one window.
    func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?)
    /// `messages`, listed without identities, with their identities read; one gone meanwhile is
    /// returned as it was.
    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary]
    func create(_ folder: MailboxPath) async throws
    func subscribe(_ folder: MailboxPath) async throws
    /// Renames a folder, which keeps its messages (and their UIDs) and its children: a folder renamed
    /// on the source is renamed on the destination rather than copied again.
    func rename(_ folder: MailboxPath, to newName: MailboxPath) async throws
    /// Appends with the summary's flags and INTERNALDATE; returns the new UID when the store knows it.
    @discardableResult
    func append(_ message: MessageSummary, body: MessageBody, to folder: MailboxPath) async throws -> UInt32?
    /// Appends every message `messages` delivers, in as few commands as the store can (IMAP
    /// MULTIAPPEND, which stores all of them or none). `stored` is called as soon as messages are
    /// safely stored, in order; when this throws, the messages not yet passed to `stored` may be
    /// assumed not stored (as with a single append, a connection lost after the server's last word
    /// leaves that open, which is why the engine journals intents).
    func appendBatch(
        _ messages: MessageBodies, to folder: MailboxPath,
        stored: @Sendable ([AppendedMessage]) async throws -> Void
    ) async throws
    /// Replaces the flags of one message (keywords dropped when not accepted).
    func setFlags(_ flags: MessageFlags, ofUID uid: UInt32, in folder: MailboxPath) async throws
    /// Removes messages that mailferry copied earlier and the source no longer has (`deletions:
    /// mirror`), and nothing else: IMAP marks them `\Deleted` and, with UIDPLUS, expunges exactly
    /// those UIDs (without it they stay marked: a plain EXPUNGE would also remove what the user
    /// marked); Maildir removes their files. Returns whether they are gone (false: only marked).
    func delete(uids: [UInt32], in folder: MailboxPath) async throws -> Bool
    /// Streams the bodies of several listed messages of one folder without changing anything (IMAP:
    /// EXAMINE and BODY.PEEK), as `verify --deep` reads them; valid only inside the closure. Messages
    /// gone meanwhile are left out.
    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result
    /// A note mailferry keeps with a destination folder (IMAP: a METADATA entry, RFC 5464, under
    /// `/private/vendor/vendor.mailferry/`), nil when the folder has none or the store keeps none.
    func annotation(_ name: String, of folder: MailboxPath) async throws -> [UInt8]?
    /// Sets such a note; false where the store keeps none (the server has no METADATA).
    @discardableResult
    func setAnnotation(_ name: String, to value: [UInt8], of folder: MailboxPath) async throws -> Bool
    func close() async
}

extension SourceStore {
    /// Stores that read identities at no extra cost always do.
    public func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary] {
        try await summaries(in: folder)
    }

    /// Stores without a cheaper way list the folder with identities and take the messages' own.
    public func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        guard messages.contains(where: \.identity.isUnread) else { return messages }
        return MessageSummary.completing(messages, from: try await summaries(in: folder, identified: true))
    }

    public func datesNeedHeaders(in folder: MailboxPath) -> Bool { false }

    /// Stores that list a folder only whole do so in one window.
    public func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        let listed = try await summaries(in: folder, identified: identified)
        return (listed.filter { $0.uid >= window.first }.sorted { $0.uid < $1.uid }, nil)
    }
}

extension DestinationStore {
    public var uidsPersist: Bool { true }

    /// Stores without annotations keep none.
    public func annotation(_ name: String, of folder: MailboxPath) async throws -> [UInt8]? { nil }

    @discardableResult
    public func setAnnotation(_ name: String, to value: [UInt8], of folder: MailboxPath) async throws -> Bool {
        false
    }

    /// Stores that read identities at no extra cost always do.
    public func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary] {
        try await summaries(in: folder)
    }

    /// Stores without a cheaper way list the folder with identities and take the messages' own.
    public func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        guard messages.contains(where: \.identity.isUnread) else { return messages }
        return MessageSummary.completing(messages, from: try await summaries(in: folder))
    }

    /// Stores that list a folder only whole do so in one window.
    public func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        let listed = try await summaries(in: folder, identified: identified)
        return (listed.filter { $0.uid >= window.first }.sorted { $0.uid < $1.uid }, nil)
    }

    /// Stores without a command for several messages append one by one.
    public func appendBatch(
        _ messages: MessageBodies, to folder: MailboxPath,
        stored: @Sendable ([AppendedMessage]) async throws -> Void
    ) async throws {
        try await appendOneByOne(messages, to: folder, stored: stored)
    }

    /// One `append` per message, each reported as soon as it is stored.
    public func appendOneByOne(
        _ messages: MessageBodies, to folder: MailboxPath,
        stored: @Sendable ([AppendedMessage]) async throws -> Void
    ) async throws {
        while let message = try await messages.next() {
            let uid = try await append(message.summary, body: message.body, to: folder)
            try await stored([AppendedMessage(summary: message.summary, uid: uid)])
        }
    }
}
