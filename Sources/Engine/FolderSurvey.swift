import MailferryCore

/// Reads both sides of one user's migration (read-only) and computes the work per folder.
/// Used by `plan` as is and by `apply` before it acts, so both see the same diff.
public struct FolderSurvey: Sendable {
    public var rules: FolderRules
    public var options: MigrationOptions

    public init(rules: FolderRules, options: MigrationOptions) {
        self.rules = rules
        self.options = options
    }

    public func survey(source: any SourceStore, destination: any DestinationStore) async throws -> [FolderWork] {
        try await surveyKeepingUnpaired(source: source, destination: destination).work
    }

    /// The work per folder and, per existing destination folder that a source folder maps to, its
    /// messages that no source message was paired with (what `verify` lists as extra).
    public func surveyKeepingUnpaired(source: any SourceStore, destination: any DestinationStore) async throws
        -> (work: [FolderWork], unpaired: [MailboxPath: [MessageSummary]])
    {
        let sourceFolders = try await source.folders()
        let destinationFolders = try await destination.folders()
        let existing = Set(destinationFolders.filter(\.selectable).map(\.path))
        let mappings = FolderMapper(rules: rules).map(source: sourceFolders, destination: destinationFolders)

        // One identity pool per destination folder, shared by every source merged into it.
        var pools: [MailboxPath: [MessageIdentity: [MessageSummary]]] = [:]
        var work: [FolderWork] = []
        for mapping in mappings {
            guard let target = mapping.destination else {
                work.append(FolderWork(mapping: mapping, destinationExists: false, diff: nil, sourceState: nil))
                continue
            }
            let exists = existing.contains(target)
            if exists, pools[target] == nil {
                pools[target] = FolderDiff.pool(of: try await destination.summaries(in: target))
            }
            let state = try await source.state(of: mapping.source.path)
            let messages = state.messageCount == 0 ? [] : try await source.summaries(in: mapping.source.path)
            var pool = pools[target] ?? [:]
            let diff = FolderDiff(
                source: messages, pool: &pool, options: options, acceptsKeywords: destination.acceptsKeywords)
            pools[target] = pool
            work.append(FolderWork(mapping: mapping, destinationExists: exists, diff: diff, sourceState: state))
        }
        let unpaired = pools.mapValues { pool in pool.values.flatMap { $0 }.sorted { $0.uid < $1.uid } }
        return (work, unpaired)
    }
}
