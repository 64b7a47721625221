import Ledger
import MailferryCore

/// Proves (or disproves) that one user's migration is complete, reading both sides without changing
/// anything: the same folder mapping and identity pairing as `plan` and `apply` (`FolderSurvey`), then
/// for every pair the flags (when the job copies them) and INTERNALDATE, and with `deep` the SHA-256
/// of both bodies, streamed.
public struct MailboxVerifier: Sendable {
    public var rules: FolderRules
    public var options: MigrationOptions
    /// Fetch both bodies of every pair and compare their SHA-256.
    public var deep: Bool
    /// Bodies fetched per pipelined FETCH.
    static let batchSize = 100

    public init(rules: FolderRules, options: MigrationOptions, deep: Bool) {
        self.rules = rules
        self.options = options
        self.deep = deep
    }

    /// - Parameter state: the job's state (read only) and the mailbox pair: messages its sync baseline
    ///   knows as deleted on the destination are reported as such rather than missing, and flags the
    ///   user changed on the destination are not differences. Nil judges against the source alone.
    public func verify(connector: StoreConnector, state: (ledger: Ledger, pair: MailboxPair)? = nil) async throws
        -> MailboxVerification
    {
        try await connector.withStores { source, destination in
            try await verify(source: source, destination: destination, state: state)
        }
    }

    public func verify(
        source: any SourceStore, destination: any DestinationStore, state: (ledger: Ledger, pair: MailboxPair)? = nil
    ) async throws -> MailboxVerification {
        try await verify(
            source: source, destination: destination, state: state, keepsPresent: true, each: { _ in },
            endOfFolder: {})
    }

    /// Hands every check to `each` as it is made, and calls `endOfFolder` after each folder's last:
    /// folder by folder in the mappings' order, and within a folder in the order the checks settle
    /// (a pair as soon as both sides' windows hold it, a missing message once the destination is
    /// listed to its end), which is not the UID order. Keeps only the checks that are not present, so
    /// that what one user's verification holds is a window or two of each side, not a folder.
    public func verify(
        connector: StoreConnector, state: (ledger: Ledger, pair: MailboxPair)? = nil,
        each: (MessageCheck) throws -> Void, endOfFolder: () throws -> Void
    ) async throws -> MailboxVerification {
        try await connector.withStores { source, destination in
            try await verify(
                source: source, destination: destination, state: state, keepsPresent: false, each: each,
                endOfFolder: endOfFolder)
        }
    }

    private func verify(
        source: any SourceStore, destination: any DestinationStore, state: (ledger: Ledger, pair: MailboxPair)?,
        keepsPresent: Bool, each: (MessageCheck) throws -> Void, endOfFolder: () throws -> Void
    ) async throws -> MailboxVerification {
        let survey = FolderSurvey(rules: rules, options: options, state: state, identifyAll: true)
        var folders: [FolderVerification] = []
        var counts: [MessageCheck.Status: Int] = [:]
        // The folder's checks kept so far.
        var kept: [MessageCheck] = []
        // The drain is optional, so escaping in its type; it does not outlive the survey.
        let unpaired = try await withoutActuallyEscaping(each) { each in
            try await survey.survey(
                source: source, destination: destination,
                drain: { mapping, diff in
                    try await check(taking: &diff, of: mapping, source: source, destination: destination) { check in
                        counts[check.status, default: 0] += 1
                        try each(check)
                        if keepsPresent || check.status != .present { kept.append(check) }
                    }
                }
            ) { work in
                kept.sort { $0.sourceUID < $1.sourceUID }
                folders.append(FolderVerification(mapping: work.mapping, messages: kept))
                kept = []
                try endOfFolder()
            }
        }
        // A message the user moved on the destination is "deleted" where it was synced to and extra
        // where it went: counted once each way, it is a move, not a difference.
        var moved: [MessageIdentity: Int] = [:]
        for folder in folders {
            for check in folder.messages where check.status == .deletedOnDestination {
                moved[check.identity, default: 0] += 1
            }
        }
        let extra = unpaired.keys.sorted().flatMap { folder in
            (unpaired[folder] ?? []).map { message in
                let wasMoved = (moved[message.identity] ?? 0) > 0
                if wasMoved { moved[message.identity, default: 0] -= 1 }
                return ExtraMessage(
                    folder: folder, uid: message.uid, identity: message.identity, size: message.size,
                    movedOnDestination: wasMoved)
            }
        }
        return MailboxVerification(folders: folders, extra: extra, counts: counts)
    }

    /// Where a diff holds a message: the list and the index in it.
    private enum Entry {
        case pair(Int)
        case missing(Int)
        case deleted(Int)
        case skipped(Int)
    }

    /// Takes out of `diff` what is settled (pairs and their flag updates, messages missing, kept
    /// deleted or skipped) and checks it in source UID order, a batch at a time, handing each check
    /// to `emit`: with `deep`, one batch's bodies are fetched and hashed at a time.
    private func check(
        taking diff: inout FolderDiff, of mapping: FolderMapping, source: any SourceStore,
        destination: any DestinationStore, emit: (MessageCheck) throws -> Void
    ) async throws {
        guard let target = mapping.destination else { return }
        let sourcePath = mapping.source.path
        let present = diff.present
        let missing = diff.toCopy
        let deleted = diff.keptDeleted
        let skipped = diff.skipped
        let differingFlags = Set(diff.flagUpdates.map(\.destinationUID))
        diff.present = []
        diff.toCopy = []
        diff.keptDeleted = []
        diff.skipped = []
        diff.flagUpdates = []
        // What `apply` would write to the state: `verify` writes nothing, and without a state
        // every pair has an update.
        diff.baselineUpdates = []
        diff.baselineRemovals = []
        var order: [(uid: UInt32, entry: Entry)] = []
        order.reserveCapacity(present.count + missing.count + deleted.count + skipped.count)
        order += present.indices.lazy.map { (present[$0].source.uid, .pair($0)) }
        order += missing.indices.lazy.map { (missing[$0].uid, .missing($0)) }
        order += deleted.indices.lazy.map { (deleted[$0].uid, .deleted($0)) }
        order += skipped.indices.lazy.map { (skipped[$0].message.uid, .skipped($0)) }
        order.sort { $0.uid < $1.uid }
        var start = 0
        while start < order.count {
            let batch = order[start..<min(start + Self.batchSize, order.count)]
            start += Self.batchSize
            var sourceDigests: [UInt32: String] = [:]
            var destinationDigests: [UInt32: String] = [:]
            if deep {
                let sourceMessages = batch.compactMap { item -> MessageSummary? in
                    switch item.entry {
                    case .pair(let index): return present[index].source
                    case .missing(let index): return missing[index]
                    case .deleted, .skipped: return nil
                    }
                }
                let copies = batch.compactMap { item -> MessageSummary? in
                    guard case .pair(let index) = item.entry else { return nil }
                    return present[index].destination
                }
                sourceDigests = try await Self.digests(of: sourceMessages) { batch, consume in
                    try await source.withBodies(of: batch, in: sourcePath, consume)
                }
                destinationDigests = try await Self.digests(of: copies) { batch, consume in
                    try await destination.withBodies(of: batch, in: target, consume)
                }
            }
            for item in batch {
                switch item.entry {
                case .pair(let index):
                    try emit(
                        check(
                            present[index], from: sourcePath, to: target,
                            flagsDiffer: differingFlags.contains(present[index].destination.uid),
                            digests: (sourceDigests, destinationDigests)))
                case .missing(let index):
                    try emit(
                        MessageCheck(
                            sourceFolder: sourcePath, destinationFolder: target, sourceUID: missing[index].uid,
                            destinationUID: nil, identity: missing[index].identity, size: missing[index].size,
                            status: .missing, sourceDigest: sourceDigests[missing[index].uid]))
                case .deleted(let index):
                    try emit(
                        MessageCheck(
                            sourceFolder: sourcePath, destinationFolder: target, sourceUID: deleted[index].uid,
                            destinationUID: nil, identity: deleted[index].identity, size: deleted[index].size,
                            status: .deletedOnDestination))
                case .skipped(let index):
                    let (message, reason) = skipped[index]
                    try emit(
                        MessageCheck(
                            sourceFolder: sourcePath, destinationFolder: target, sourceUID: message.uid,
                            destinationUID: nil, identity: message.identity, size: message.size, status: .skipped,
                            skipReason: reason.description))
                }
            }
        }
    }

    /// A pair's check: flags (as the diff found them), INTERNALDATE and, with `deep`, the digests.
    private func check(
        _ pair: FolderDiff.Pair, from sourcePath: MailboxPath, to target: MailboxPath, flagsDiffer: Bool,
        digests: (source: [UInt32: String], destination: [UInt32: String])
    ) -> MessageCheck {
        var differences: [MessageDifference] = []
        if flagsDiffer {
            differences.append(.flags(source: pair.source.flags, destination: pair.destination.flags))
        }
        if pair.source.internalDateKnown,
            pair.source.internalDate.secondsSince1970 != pair.destination.internalDate.secondsSince1970
        {
            differences.append(
                .internalDate(source: pair.source.internalDate, destination: pair.destination.internalDate))
        }
        let sourceDigest = digests.source[pair.source.uid]
        let destinationDigest = digests.destination[pair.destination.uid]
        var status: MessageCheck.Status = .present
        if deep, let sourceDigest, let destinationDigest, sourceDigest != destinationDigest {
            differences.append(.content(sourceDigest: sourceDigest, destinationDigest: destinationDigest))
        }
        if deep, destinationDigest == nil { status = .missing }  // gone from the destination since listed
        if status == .present, !differences.isEmpty { status = .different }
        return MessageCheck(
            sourceFolder: sourcePath, destinationFolder: target, sourceUID: pair.source.uid,
            destinationUID: status == .missing ? nil : pair.destination.uid, identity: pair.source.identity,
            size: pair.source.size, status: status, differences: differences, sourceDigest: sourceDigest,
            destinationDigest: destinationDigest)
    }

    /// SHA-256 (hex) of each message's bytes by UID, fetched in batches and hashed chunk by chunk.
    static func digests(
        of messages: [MessageSummary],
        reading: ([MessageSummary], @Sendable (MessageBodies) async throws -> [UInt32: String]) async throws
            -> [UInt32: String]
    ) async throws -> [UInt32: String] {
        var digests: [UInt32: String] = [:]
        let sorted = messages.sorted { $0.uid < $1.uid }
        var start = 0
        while start < sorted.count {
            let batch = Array(sorted[start..<min(start + batchSize, sorted.count)])
            let found = try await reading(batch) { bodies in
                var found: [UInt32: String] = [:]
                while let message = try await bodies.next() {
                    var hasher = SHA256Hasher()
                    for try await chunk in message.body.chunks { hasher.update(chunk) }
                    found[message.summary.uid] = hasher.hexDigest()
                }
                return found
            }
            digests.merge(found) { first, _ in first }
            start += batchSize
        }
        return digests
    }
}
