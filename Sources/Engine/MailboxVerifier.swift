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
        let survey = FolderSurvey(rules: rules, options: options, state: state, identifyAll: true)
        let (work, unpaired) = try await survey.surveyKeepingUnpaired(source: source, destination: destination)
        var folders: [FolderVerification] = []
        for folder in work {
            folders.append(try await check(folder, source: source, destination: destination))
        }
        // A message the user moved on the destination is "deleted" where it was synced to and extra
        // where it went: counted once each way, it is a move, not a difference.
        var moved: [MessageIdentity: Int] = [:]
        for check in folders.flatMap(\.messages) where check.status == .deletedOnDestination {
            moved[check.identity, default: 0] += 1
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
        return MailboxVerification(folders: folders, extra: extra)
    }

    private func check(_ work: FolderWork, source: any SourceStore, destination: any DestinationStore) async throws
        -> FolderVerification
    {
        guard let diff = work.diff, let target = work.mapping.destination else {
            return FolderVerification(mapping: work.mapping, messages: [])
        }
        let sourcePath = work.mapping.source.path
        var sourceDigests: [UInt32: String] = [:]
        var destinationDigests: [UInt32: String] = [:]
        if deep {
            sourceDigests = try await Self.digests(of: diff.present.map(\.source) + diff.toCopy) { batch, consume in
                try await source.withBodies(of: batch, in: sourcePath, consume)
            }
            destinationDigests = try await Self.digests(of: diff.present.map(\.destination)) { batch, consume in
                try await destination.withBodies(of: batch, in: target, consume)
            }
        }
        let differingFlags = Set(diff.flagUpdates.map(\.destinationUID))
        var messages: [MessageCheck] = []
        for pair in diff.present {
            var differences: [MessageDifference] = []
            if differingFlags.contains(pair.destination.uid) {
                differences.append(.flags(source: pair.source.flags, destination: pair.destination.flags))
            }
            if pair.source.internalDateKnown,
                pair.source.internalDate.secondsSince1970 != pair.destination.internalDate.secondsSince1970
            {
                differences.append(
                    .internalDate(source: pair.source.internalDate, destination: pair.destination.internalDate))
            }
            let sourceDigest = sourceDigests[pair.source.uid]
            let destinationDigest = destinationDigests[pair.destination.uid]
            var status: MessageCheck.Status = .present
            if deep, let sourceDigest, let destinationDigest, sourceDigest != destinationDigest {
                differences.append(.content(sourceDigest: sourceDigest, destinationDigest: destinationDigest))
            }
            if deep, destinationDigest == nil { status = .missing }  // gone from the destination since listed
            if status == .present, !differences.isEmpty { status = .different }
            messages.append(
                MessageCheck(
                    sourceFolder: sourcePath, destinationFolder: target, sourceUID: pair.source.uid,
                    destinationUID: status == .missing ? nil : pair.destination.uid, identity: pair.source.identity,
                    size: pair.source.size, status: status, differences: differences, sourceDigest: sourceDigest,
                    destinationDigest: destinationDigest))
        }
        for message in diff.toCopy {
            messages.append(
                MessageCheck(
                    sourceFolder: sourcePath, destinationFolder: target, sourceUID: message.uid, destinationUID: nil,
                    identity: message.identity, size: message.size, status: .missing,
                    sourceDigest: sourceDigests[message.uid]))
        }
        for message in diff.keptDeleted {
            messages.append(
                MessageCheck(
                    sourceFolder: sourcePath, destinationFolder: target, sourceUID: message.uid, destinationUID: nil,
                    identity: message.identity, size: message.size, status: .deletedOnDestination))
        }
        for (message, reason) in diff.skipped {
            messages.append(
                MessageCheck(
                    sourceFolder: sourcePath, destinationFolder: target, sourceUID: message.uid, destinationUID: nil,
                    identity: message.identity, size: message.size, status: .skipped, skipReason: reason.description))
        }
        return FolderVerification(mapping: work.mapping, messages: messages.sorted { $0.sourceUID < $1.sourceUID })
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
