import MailferryCore

/// What `verify` found for one user: every mapped folder's messages checked against the
/// destination, and the destination messages nothing on the source accounts for.
public struct MailboxVerification: Sendable {
    /// The folders' checks: all of them, or, where the verifier handed every check to its caller as
    /// it went (`MailboxVerifier.verify(source:destination:state:each:)`), all but the present ones.
    public var folders: [FolderVerification]
    /// Destination messages of mapped folders that no source message pairs with, by folder then UID.
    public var extra: [ExtraMessage]
    /// Checks per status, counted as they were made, present ones included.
    public private(set) var counts: [MessageCheck.Status: Int]

    /// A verification holding every check it counts.
    public init(folders: [FolderVerification], extra: [ExtraMessage]) {
        self.init(folders: folders, extra: extra, counts: [:])
        for message in messages { counts[message.status, default: 0] += 1 }
    }

    /// A verification that holds only some of the checks it counts (the others went to a manifest).
    public init(folders: [FolderVerification], extra: [ExtraMessage], counts: [MessageCheck.Status: Int]) {
        self.folders = folders
        self.extra = extra
        self.counts = counts
    }

    /// The checks held (see `folders`), folder by folder.
    public var messages: [MessageCheck] { folders.flatMap(\.messages) }

    /// True when every source message within the job's filters has an equal copy (or was deleted on
    /// the destination by its user since the last sync) and nothing is extra but what the user moved.
    public var isComplete: Bool {
        !extra.contains { !$0.movedOnDestination } && count(.missing) == 0 && count(.different) == 0
    }

    public func count(_ status: MessageCheck.Status) -> Int { counts[status] ?? 0 }
}

/// One source folder: where the job sends it (or why not) and its messages' checks.
public struct FolderVerification: Sendable {
    public var mapping: FolderMapping
    /// In source UID order; empty for a skipped folder. Without the present ones when the verifier
    /// handed them over as it went.
    public var messages: [MessageCheck]

    public init(mapping: FolderMapping, messages: [MessageCheck]) {
        self.mapping = mapping
        self.messages = messages
    }
}

/// One source message and its copy: a line of the manifest.
public struct MessageCheck: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// The copy is there and equal in everything compared.
        case present
        /// No destination message has its identity.
        case missing
        /// A copy with its identity is there, but flags, INTERNALDATE or (with --deep) the bytes differ.
        case different
        /// Outside the job's filters (`options.since`, `options.max_message_size`): not expected.
        case skipped
        /// Copied or paired by an earlier sync and deleted or moved on the destination by its user
        /// since (the sync baseline says so): not expected, as apply does not copy it again.
        case deletedOnDestination = "deleted_on_destination"
    }

    public var sourceFolder: MailboxPath
    public var destinationFolder: MailboxPath?
    public var sourceUID: UInt32
    public var destinationUID: UInt32?
    public var identity: MessageIdentity
    public var size: Int64
    public var status: Status
    public var differences: [MessageDifference]
    /// Why a skipped message is not expected on the destination.
    public var skipReason: String?
    /// SHA-256 of the source bytes (hex), with --deep.
    public var sourceDigest: String?
    /// SHA-256 of the copy's bytes (hex), with --deep.
    public var destinationDigest: String?

    public init(
        sourceFolder: MailboxPath, destinationFolder: MailboxPath?, sourceUID: UInt32, destinationUID: UInt32?,
        identity: MessageIdentity, size: Int64, status: Status, differences: [MessageDifference] = [],
        skipReason: String? = nil, sourceDigest: String? = nil, destinationDigest: String? = nil
    ) {
        self.sourceFolder = sourceFolder
        self.destinationFolder = destinationFolder
        self.sourceUID = sourceUID
        self.destinationUID = destinationUID
        self.identity = identity
        self.size = size
        self.status = status
        self.differences = differences
        self.skipReason = skipReason
        self.sourceDigest = sourceDigest
        self.destinationDigest = destinationDigest
    }
}

/// How a copy differs from its source message.
public enum MessageDifference: Sendable, Hashable, CustomStringConvertible {
    case flags(source: MessageFlags, destination: MessageFlags)
    case internalDate(source: InternalDate, destination: InternalDate)
    /// Same identity, other bytes (--deep).
    case content(sourceDigest: String, destinationDigest: String)

    public var kind: String {
        switch self {
        case .flags: return "flags"
        case .internalDate: return "internal_date"
        case .content: return "content"
        }
    }

    public var description: String {
        switch self {
        case .flags(let source, let destination): return "flags \(source) on the source, \(destination) on the copy"
        case .internalDate(let source, let destination):
            return
                "INTERNALDATE \(source.secondsSince1970) on the source, \(destination.secondsSince1970) on the copy (seconds since 1970)"
        case .content(let source, let destination):
            return "bytes differ: SHA-256 \(source) on the source, \(destination) on the copy"
        }
    }
}

/// A destination message that no source message pairs with.
public struct ExtraMessage: Sendable, Hashable {
    public var folder: MailboxPath
    public var uid: UInt32
    public var identity: MessageIdentity
    public var size: Int64
    /// The same message is listed as deleted on the destination in the folder it was synced to:
    /// the user moved it here. Not a difference.
    public var movedOnDestination: Bool

    public init(
        folder: MailboxPath, uid: UInt32, identity: MessageIdentity, size: Int64, movedOnDestination: Bool = false
    ) {
        self.movedOnDestination = movedOnDestination
        self.folder = folder
        self.uid = uid
        self.identity = identity
        self.size = size
    }
}
