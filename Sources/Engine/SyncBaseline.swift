import Ledger
import MailferryCore

/// One destination folder's baseline (what both sides held at the last sync, per message), as a
/// diff consumes it: each source message claims its entry by source key, or by identity when the
/// key changed (a new UIDVALIDITY, a message moved between merged folders). What no source message
/// claimed is a message gone from the source since.
struct SyncBaseline: Sendable {
    /// Held compactly, because a folder of 200,000 messages has as many entries: the entries as
    /// columns (`BaselineStore`), two `IndexTable`s of their indices (by source folder and key, and
    /// by identity) and a flag per claimed entry. No dictionary keyed by the entries' strings.
    private let store: BaselineStore
    private var bySourceKey: IndexTable
    private var byIdentity: IndexTable
    private var claimed: [Bool] = []

    init(_ entries: [BaselineEntry]) {
        var store = BaselineStore()
        store.reserveCapacity(entries.count)
        for entry in entries { store.append(entry) }
        self.init(store)
    }

    init(_ store: BaselineStore) {
        self.store = store
        claimed = Array(repeating: false, count: store.count)
        bySourceKey = IndexTable(count: store.count) {
            Self.hash(key: store.key(at: $0), in: store.sourceFolder(at: $0))
        }
        byIdentity = IndexTable(count: store.count) { store.identity(at: $0).hashValue }
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
            guard store.key(at: index) == key, store.sourceFolder(at: index) == folder else { return true }
            found = index
            return false
        }
        return found
    }

    var isEmpty: Bool { store.count == 0 }

    /// The entry of `message` (listed in `folder`), taken so that no other message claims it.
    mutating func claim(_ message: MessageSummary, in folder: MailboxPath) -> BaselineEntry? {
        if let index = index(of: message.compactSourceKey, in: folder), !claimed[index] {
            claimed[index] = true
            return store[index]
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
            guard !claimed[index], store.hasIdentity(at: index, message.identity) else { return true }
            if store.sourceFolder(at: index) == folder {
                sameFolder = index
                return false
            }
            if otherFolder == nil { otherFolder = index }
            return true
        }
        guard let index = sameFolder ?? otherFolder else { return nil }
        claimed[index] = true
        return store[index]
    }

    /// Entries of `folder` that no source message claimed: their messages left the source.
    func unclaimed(in folder: MailboxPath) -> [BaselineEntry] {
        (0..<store.count).filter { !claimed[$0] && store.sourceFolder(at: $0) == folder }.map { store[$0] }
            .sorted { $0.sourceKey < $1.sourceKey }
    }

    /// The identity the state holds for the source message with source key `key` in `folder`,
    /// unless it was copied without one. A key names the same message for as long as it lives (IMAP:
    /// a UID under its UIDVALIDITY; POP3: a UIDL), so its headers need not be read again.
    func identity(ofSourceKey key: CompactSourceKey, in folder: MailboxPath) -> MessageIdentity? {
        index(of: key, in: folder).flatMap { store.identityIsUnread(at: $0) ? nil : store.identity(at: $0) }
    }

    /// The identities the state holds for destination messages by UID (valid while the destination
    /// folder keeps the UIDVALIDITY of its last complete sync), leaving out messages copied without
    /// one and any UID two entries name with different identities (its headers are read instead).
    func identitiesByDestinationUID() -> IdentitiesByUID {
        // UID and entry index in one integer, so that the sort moves plain numbers.
        var named: [UInt64] = []
        named.reserveCapacity(store.count)
        for index in 0..<store.count {
            guard let uid = store.destinationUID(at: index) else { continue }
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
            let first = Int(named[start] & 0xFFFF_FFFF)
            if !store.identityIsUnread(at: first), end == start + 1 || agree(named[start..<end]) {
                order.append(UInt32(truncatingIfNeeded: named[start]))
            }
            start = end
        }
        return IdentitiesByUID(store: store, order: order)
    }

    /// Whether the entries of `named` (UIDs and indices, as sorted above) all have one identity.
    private func agree(_ named: ArraySlice<UInt64>) -> Bool {
        guard let first = named.first else { return true }
        let identity = store.identity(at: Int(first & 0xFFFF_FFFF))
        return named.allSatisfy { store.hasIdentity(at: Int($0 & 0xFFFF_FFFF), identity) }
    }

    /// Identities by destination UID: the baseline's entries (shared, not copied) and the indices of
    /// those that name a UID, in UID order. No dictionary and no second copy of the identities: one
    /// entry per message of a folder that may hold 200,000.
    struct IdentitiesByUID: Sendable {
        fileprivate let store: BaselineStore
        fileprivate let order: [UInt32]

        /// The UIDs it knows, in order.
        var uids: [UInt32] { order.compactMap { store.destinationUID(at: Int($0)) } }

        subscript(uid: UInt32) -> MessageIdentity? {
            let position = order.partitionPoint { (store.destinationUID(at: Int($0)) ?? 0) < uid }
            guard position < order.count else { return nil }
            let index = Int(order[position])
            return store.destinationUID(at: index) == uid ? store.identity(at: index) : nil
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
