import Ledger
import MailferryCore

/// One destination folder's baseline (what both sides held at the last sync, per message), as a
/// diff consumes it: each source message claims its entry by source key, or by identity when the
/// key changed (a new UIDVALIDITY, a message moved between merged folders). What no source message
/// claimed is a message gone from the source since.
struct SyncBaseline: Sendable {
    private var bySourceKey: [Key: BaselineEntry] = [:]
    private var byIdentity: [MessageIdentity: [Key]] = [:]
    private var claimed: Set<Key> = []

    private struct Key: Hashable, Sendable {
        var folder: MailboxPath
        var sourceKey: String
    }

    init(_ entries: [BaselineEntry]) {
        for entry in entries {
            let key = Key(folder: entry.sourceFolder, sourceKey: entry.sourceKey)
            bySourceKey[key] = entry
            // A message copied without its header fields has no identity to match by.
            if !entry.identity.isUnread {
                byIdentity[entry.identity, default: []].append(key)
            }
        }
    }

    var isEmpty: Bool { bySourceKey.isEmpty }

    /// The entry of `message` (listed in `folder`), taken so that no other message claims it.
    mutating func claim(_ message: MessageSummary, in folder: MailboxPath) -> BaselineEntry? {
        let key = Key(folder: folder, sourceKey: message.sourceKey)
        if let entry = bySourceKey[key], claimed.insert(key).inserted { return entry }
        guard !message.identity.isUnread, let candidates = byIdentity[message.identity]
        else { return nil }
        // Same source folder first (a new UIDVALIDITY), then any folder merged here.
        let ordered = candidates.filter { $0.folder == folder } + candidates.filter { $0.folder != folder }
        for candidate in ordered where claimed.insert(candidate).inserted {
            return bySourceKey[candidate]
        }
        return nil
    }

    /// The identity the state holds for the source message with `sourceKey` in `folder`, unless it
    /// was copied without one. A key names the same message for as long as it lives (IMAP: a UID
    /// under its UIDVALIDITY; POP3: a UIDL), so its headers need not be read again.
    func identity(ofSourceKey sourceKey: String, in folder: MailboxPath) -> MessageIdentity? {
        bySourceKey[Key(folder: folder, sourceKey: sourceKey)].flatMap { $0.identity.isUnread ? nil : $0.identity }
    }

    /// The identities the state holds for destination messages by UID (valid while the destination
    /// folder keeps the UIDVALIDITY of its last complete sync), leaving out messages copied without one.
    func identitiesByDestinationUID() -> [UInt32: MessageIdentity] {
        var result: [UInt32: MessageIdentity] = [:]
        result.reserveCapacity(bySourceKey.count)
        for entry in bySourceKey.values where !entry.identity.isUnread {
            if let uid = entry.destinationUID { result[uid] = entry.identity }
        }
        return result
    }

    /// Entries of `folder` that no source message claimed: their messages left the source.
    func unclaimed(in folder: MailboxPath) -> [BaselineEntry] {
        bySourceKey.filter { $0.key.folder == folder && !claimed.contains($0.key) }.map(\.value)
            .sorted { $0.sourceKey < $1.sourceKey }
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
