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
        try await verify(source: source, destination: destination, state: state, keepsPresent: true) { _ in }
    }

    /// Hands every check to `each` as it is made, folder by folder and in source UID order within a
    /// folder (the manifest's order), and keeps only those that are not present: a mailbox's
    /// manifest is written as it is checked, and what is held is one folder's pairs, not the mailbox's.
    public func verify(
        connector: StoreConnector, state: (ledger: Ledger, pair: MailboxPair)? = nil,
        each: (MessageCheck) throws -> Void
    ) async throws -> MailboxVerification {
        try await connector.withStores { source, destination in
            try await verify(source: source, destination: destination, state: state, keepsPresent: false, each: each)
        }
    }

    private func verify(
        source: any SourceStore, destination: any DestinationStore, state: (ledger: Ledger, pair: MailboxPair)?,
        keepsPresent: Bool, each: (MessageCheck) throws -> Void
    ) async throws -> MailboxVerification {
        let survey = FolderSurvey(rules: rules, options: options, state: state, identifyAll: true)
        var folders: [FolderVerification] = []
        var counts: [MessageCheck.Status: Int] = [:]
        let unpaired = try await survey.survey(source: source, destination: destination) { work in
            var kept: [MessageCheck] = []
            try await check(work, source: source, destination: destination) { check in
                counts[check.status, default: 0] += 1
                try each(check)
                if keepsPresent || check.status != .present { kept.append(check) }
            }
            folders.append(FolderVerification(mapping: work.mapping, messages: kept))
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

    /// Where a folder's diff holds a message: the list and the index in it.
    private enum Entry {
        case pair(Int)
        case missing(Int)
        case deleted(Int)
        case skipped(Int)
    }

    /// Checks one folder's messages in source UID order, a batch at a time, handing each check to
    /// `emit`: with `deep`, only one batch's digests are held at once.
    private func check(
        _ work: FolderWork, source: any SourceStore, destination: any DestinationStore,
        emit: (MessageCheck) throws -> Void
    ) async throws {
        guard let diff = work.diff, let target = work.mapping.destination else { return }
        let sourcePath = work.mapping.source.path
        var order: [(uid: UInt32, entry: Entry)] = []
        order.reserveCapacity(diff.present.count + diff.toCopy.count + diff.keptDeleted.count + diff.skipped.count)
        order += diff.present.indices.lazy.map { (diff.present[$0].source.uid, .pair($0)) }
        order += diff.toCopy.indices.lazy.map { (diff.toCopy[$0].uid, .missing($0)) }
        order += diff.keptDeleted.indices.lazy.map { (diff.keptDeleted[$0].uid, .deleted($0)) }
        order += diff.skipped.indices.lazy.map { (diff.skipped[$0].message.uid, .skipped($0)) }
        order.sort { $0.uid < $1.uid }
        let differingFlags = Set(diff.flagUpdates.map(\.destinationUID))
        var start = 0
        while start < order.count {
            let batch = order[start..<min(start + Self.batchSize, order.count)]
            start += Self.batchSize
            var sourceDigests: [UInt32: String] = [:]
            var destinationDigests: [UInt32: String] = [:]
            if deep {
                let sourceMessages = batch.compactMap { item -> MessageSummary? in
                    switch item.entry {
                    case .pair(let index): return diff.present[index].source
                    case .missing(let index): return diff.toCopy[index]
                    case .deleted, .skipped: return nil
                    }
                }
                let copies = batch.compactMap { item -> MessageSummary? in
                    guard case .pair(let index) = item.entry else { return nil }
                    return diff.present[index].destination
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
                            diff.present[index], from: sourcePath, to: target,
                            flagsDiffer: differingFlags.contains(diff.present[index].destination.uid),
                            digests: (sourceDigests, destinationDigests)))
                case .missing(let index):
                    let message = diff.toCopy[index]
                    try emit(
                        MessageCheck(
                            sourceFolder: sourcePath, destinationFolder: target, sourceUID: message.uid,
                            destinationUID: nil, identity: message.identity, size: message.size, status: .missing,
                            sourceDigest: sourceDigests[message.uid]))
                case .deleted(let index):
                    let message = diff.keptDeleted[index]
                    try emit(
                        MessageCheck(
                            sourceFolder: sourcePath, destinationFolder: target, sourceUID: message.uid,
                            destinationUID: nil, identity: message.identity, size: message.size,
                            status: .deletedOnDestination))
                case .skipped(let index):
                    let (message, reason) = diff.skipped[index]
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
