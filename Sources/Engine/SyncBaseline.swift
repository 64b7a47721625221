import Ledger
import MailferryCore

/// One destination folder's baseline (what both sides held at the last sync, per message), as a
/// diff consumes it: each source message claims its entry by source key, or by identity when the
/// key changed (a new UIDVALIDITY, a message moved between merged folders). What no source message
/// claimed is a message gone from the source since.
struct SyncBaseline: Sendable {
    /// Held compactly, because a folder of 200,000 messages has as many entries: the entries in one
    /// array, a dictionary from source key to index, per identity the index of its first entry and
    /// per entry the next one of the same identity (in entry order), and a flag per claimed entry.
    private var entries: [BaselineEntry] = []
    private var bySourceKey: [Key: Int32] = [:]
    private var firstWithIdentity: [MessageIdentity: Int32] = [:]
    private var nextWithIdentity: [Int32] = []
    private var claimed: [Bool] = []

    private struct Key: Hashable, Sendable {
        var folder: MailboxPath
        var sourceKey: String
    }

    init(_ entries: [BaselineEntry]) {
        self.entries = entries
        bySourceKey.reserveCapacity(entries.count)
        nextWithIdentity = Array(repeating: -1, count: entries.count)
        claimed = Array(repeating: false, count: entries.count)
        for index in entries.indices.reversed() {
            let entry = entries[index]
            bySourceKey[Key(folder: entry.sourceFolder, sourceKey: entry.sourceKey)] = Int32(index)
            // A message copied without its header fields has no identity to match by.
            guard !entry.identity.isUnread else { continue }
            if let following = firstWithIdentity[entry.identity] { nextWithIdentity[index] = following }
            firstWithIdentity[entry.identity] = Int32(index)
        }
    }

    var isEmpty: Bool { entries.isEmpty }

    /// The entry of `message` (listed in `folder`), taken so that no other message claims it.
    mutating func claim(_ message: MessageSummary, in folder: MailboxPath) -> BaselineEntry? {
        if let index = bySourceKey[Key(folder: folder, sourceKey: message.sourceKey)].map(Int.init), !claimed[index] {
            claimed[index] = true
            return entries[index]
        }
        guard !message.identity.isUnread, let first = firstWithIdentity[message.identity] else { return nil }
        // Same source folder first (a new UIDVALIDITY), then any folder merged here.
        for sameFolder in [true, false] {
            var index = Int(first)
            while index >= 0 {
                if !claimed[index], (entries[index].sourceFolder == folder) == sameFolder {
                    claimed[index] = true
                    return entries[index]
                }
                index = Int(nextWithIdentity[index])
            }
        }
        return nil
    }

    /// Entries of `folder` that no source message claimed: their messages left the source.
    func unclaimed(in folder: MailboxPath) -> [BaselineEntry] {
        entries.indices.filter { !claimed[$0] && entries[$0].sourceFolder == folder }.map { entries[$0] }
            .sorted { $0.sourceKey < $1.sourceKey }
    }

    /// The identity the state holds for the source message with `sourceKey` in `folder`, unless it
    /// was copied without one. A key names the same message for as long as it lives (IMAP: a UID
    /// under its UIDVALIDITY; POP3: a UIDL), so its headers need not be read again.
    func identity(ofSourceKey sourceKey: String, in folder: MailboxPath) -> MessageIdentity? {
        bySourceKey[Key(folder: folder, sourceKey: sourceKey)].flatMap { index in
            entries[Int(index)].identity.isUnread ? nil : entries[Int(index)].identity
        }
    }

    /// The identities the state holds for destination messages by UID (valid while the destination
    /// folder keeps the UIDVALIDITY of its last complete sync), leaving out messages copied without
    /// one and any UID two entries name with different identities (its headers are read instead).
    func identitiesByDestinationUID() -> IdentitiesByUID {
        var named: [(uid: UInt32, identity: MessageIdentity)] = []
        named.reserveCapacity(entries.count)
        for entry in entries {
            guard let uid = entry.destinationUID else { continue }
            named.append((uid, entry.identity))
        }
        named.sort { $0.uid < $1.uid }
        var result = IdentitiesByUID()
        result.uids.reserveCapacity(named.count)
        result.identities.reserveCapacity(named.count)
        var index = 0
        while index < named.count {
            var end = index + 1
            while end < named.count, named[end].uid == named[index].uid { end += 1 }
            let identity = named[index].identity
            if !identity.isUnread, named[index..<end].allSatisfy({ $0.identity == identity }) {
                result.uids.append(named[index].uid)
                result.identities.append(identity)
            }
            index = end
        }
        return result
    }

    /// Identities by destination UID, as two arrays in UID order (no dictionary: one entry per
    /// message of a folder that may hold 200,000).
    struct IdentitiesByUID: Sendable {
        fileprivate(set) var uids: [UInt32] = []
        fileprivate(set) var identities: [MessageIdentity] = []

        subscript(uid: UInt32) -> MessageIdentity? {
            var low = 0
            var high = uids.count
            while low < high {
                let middle = (low + high) / 2
                if uids[middle] < uid { low = middle + 1 } else { high = middle }
            }
            return low < uids.count && uids[low] == uid ? identities[low] : nil
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
