import Ledger
import MailferryCore

/// One destination folder's baseline (what both sides held at the last sync, per message), as a
/// diff consumes it: each source message claims its entry by source key, or by identity when the
/// key changed (a new UIDVALIDITY, a message moved between merged folders). What no source message
/// claimed is a message gone from the source since.
struct SyncBaseline: Sendable {
    /// Held compactly, because a folder of 200,000 messages has as many entries: the entries in one
    /// array, two `IndexTable`s of their indices (by source folder and key, and by identity) and a
    /// flag per claimed entry. No dictionary keyed by the entries' strings.
    private let entries: [BaselineEntry]
    private var bySourceKey: IndexTable
    private var byIdentity: IndexTable
    private var claimed: [Bool] = []

    init(_ entries: [BaselineEntry]) {
        self.entries = entries
        claimed = Array(repeating: false, count: entries.count)
        bySourceKey = IndexTable(count: entries.count) {
            Self.hash(key: entries[$0].key, in: entries[$0].sourceFolder)
        }
        byIdentity = IndexTable(count: entries.count) { entries[$0].identity.hashValue }
    }

    private static func hash(key: CompactSourceKey, in folder: MailboxPath) -> Int {
        var hasher = Hasher()
        hasher.combine(key)
        hasher.combine(folder)
        return hasher.finalize()
    }

    /// The index of the entry of source key `key` in `folder` (the first, were there two), if any.
    private func index(of key: CompactSourceKey, in folder: MailboxPath) -> Int? {
        var found: Int?
        bySourceKey.forEachCandidate(hash: Self.hash(key: key, in: folder)) { index in
            guard entries[index].key == key, entries[index].sourceFolder == folder else { return true }
            found = index
            return false
        }
        return found
    }

    var isEmpty: Bool { entries.isEmpty }

    /// The entry of `message` (listed in `folder`), taken so that no other message claims it.
    mutating func claim(_ message: MessageSummary, in folder: MailboxPath) -> BaselineEntry? {
        if let index = index(of: message.compactSourceKey, in: folder), !claimed[index] {
            claimed[index] = true
            return entries[index]
        }
        return claimByIdentity(message, in: folder)
    }

    /// A message whose key the baseline does not know (or whose entry is taken) claims an entry of
    /// its identity: of its own source folder first (a new UIDVALIDITY), then of any folder merged here.
    private mutating func claimByIdentity(_ message: MessageSummary, in folder: MailboxPath) -> BaselineEntry? {
        // A message copied without its header fields has no identity to match by.
        guard !message.identity.isUnread else { return nil }
        var sameFolder: Int?
        var otherFolder: Int?
        byIdentity.forEachCandidate(hash: message.identity.hashValue) { index in
            guard !claimed[index], entries[index].identity == message.identity else { return true }
            if entries[index].sourceFolder == folder {
                sameFolder = index
                return false
            }
            if otherFolder == nil { otherFolder = index }
            return true
        }
        guard let index = sameFolder ?? otherFolder else { return nil }
        claimed[index] = true
        return entries[index]
    }

    /// Entries of `folder` that no source message claimed: their messages left the source.
    func unclaimed(in folder: MailboxPath) -> [BaselineEntry] {
        entries.indices.filter { !claimed[$0] && entries[$0].sourceFolder == folder }.map { entries[$0] }
            .sorted { $0.sourceKey < $1.sourceKey }
    }

    /// The identity the state holds for the source message with source key `key` in `folder`,
    /// unless it was copied without one. A key names the same message for as long as it lives (IMAP:
    /// a UID under its UIDVALIDITY; POP3: a UIDL), so its headers need not be read again.
    func identity(ofSourceKey key: CompactSourceKey, in folder: MailboxPath) -> MessageIdentity? {
        index(of: key, in: folder).flatMap {
            entries[$0].identity.isUnread ? nil : entries[$0].identity
        }
    }

    /// The identities the state holds for destination messages by UID (valid while the destination
    /// folder keeps the UIDVALIDITY of its last complete sync), leaving out messages copied without
    /// one and any UID two entries name with different identities (its headers are read instead).
    func identitiesByDestinationUID() -> IdentitiesByUID {
        // UID and entry index in one integer, so that the sort moves plain numbers.
        var named: [UInt64] = []
        named.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            guard let uid = entry.destinationUID else { continue }
            named.append(UInt64(uid) << 32 | UInt64(index))
        }
        named.sort()
        var order: [UInt32] = []
        order.reserveCapacity(named.count)
        var start = 0
        while start < named.count {
            let uid = named[start] >> 32
            var end = start + 1
            while end < named.count, named[end] >> 32 == uid { end += 1 }
            let identity = entries[Int(named[start] & 0xFFFF_FFFF)].identity
            if !identity.isUnread,
                named[start..<end].allSatisfy({ entries[Int($0 & 0xFFFF_FFFF)].identity == identity })
            {
                order.append(UInt32(truncatingIfNeeded: named[start]))
            }
            start = end
        }
        return IdentitiesByUID(entries: entries, order: order)
    }

    /// Identities by destination UID: the baseline's entries (shared, not copied) and the indices of
    /// those that name a UID, in UID order. No dictionary and no second copy of the identities: one
    /// entry per message of a folder that may hold 200,000.
    struct IdentitiesByUID: Sendable {
        fileprivate let entries: [BaselineEntry]
        fileprivate let order: [UInt32]

        /// The UIDs it knows, in order.
        var uids: [UInt32] { order.compactMap { entries[Int($0)].destinationUID } }

        subscript(uid: UInt32) -> MessageIdentity? {
            let position = order.partitionPoint { (entries[Int($0)].destinationUID ?? 0) < uid }
            guard position < order.count else { return nil }
            let entry = entries[Int(order[position])]
            return entry.destinationUID == uid ? entry.identity : nil
        }
    }

    /// Three-way flags of a message both sides have: a flag changed on the source since the
    /// baseline is applied, unless the destination changed the same flag (the user lives there
    /// now); everything else stays as the destination has it. Without a baseline the source's.
    static func merged(source: MessageFlags, destination: MessageFlags, baseline: BaselineEntry?) -> MessageFlags {
        guard let baseline else { return source }
        var result = destination.values
        for flag in source.values.union(baseline.sourceFlags.values) {
            let sourceChanged = source.values.contains(flag) != baseline.sourceFlags.values.contains(flag)
            let destinationChanged =
                destination.values.contains(flag) != baseline.destinationFlags.values.contains(flag)
            guard sourceChanged, !destinationChanged else { continue }
            if source.values.contains(flag) { result.insert(flag) } else { result.remove(flag) }
        }
        return MessageFlags(result)
    }
}
