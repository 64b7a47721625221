import Ledger
import MailferryCore

/// Reads both sides of one user's migration without changing anything and prepares every folder's
/// work through `FolderPass.prepare`, the step `apply` runs before it acts: `plan` shows that work,
/// `verify` checks the pairs it found.
public struct FolderSurvey: Sendable {
    public var rules: FolderRules
    public var options: MigrationOptions
    /// The job's state and the user, for the fast path (folders unchanged since their last complete
    /// sync are not listed, as `apply` does not list them); nil lists every folder.
    public var state: (ledger: Ledger, pair: MailboxPair)?
    /// Identities for every source message (`verify`), even where nothing can be paired.
    public var identifyAll: Bool

    public init(
        rules: FolderRules, options: MigrationOptions, state: (ledger: Ledger, pair: MailboxPair)? = nil,
        identifyAll: Bool = false
    ) {
        self.rules = rules
        self.options = options
        self.state = state
        self.identifyAll = identifyAll
    }

    public func survey(source: any SourceStore, destination: any DestinationStore) async throws -> [FolderWork] {
        try await surveyKeepingUnpaired(source: source, destination: destination).work
    }

    /// The work per folder and, per existing destination folder that a source folder maps to, its
    /// messages that no source message was paired with (what `verify` lists as extra).
    public func surveyKeepingUnpaired(
        source: any SourceStore, destination: any DestinationStore
    ) async throws -> (work: [FolderWork], unpaired: [MailboxPath: [MessageSummary]]) {
        var work: [FolderWork] = []
        let unpaired = try await survey(source: source, destination: destination) { work.append($0) }
        return (work, unpaired)
    }

    /// Hands each folder's work to `body` as soon as it is prepared, in the mappings' order, and holds
    /// none of it after: `verify` checks a folder's pairs and lets them go before the next folder is
    /// listed. Returns, per existing destination folder that a source folder maps to, its messages
    /// that no source message was paired with.
    ///
    /// `drain` (`verify`'s) takes out what is settled of each folder's diff while it is made (see
    /// `FolderPass.Drain`); `body` then gets the folder's work without it.
    func survey(
        source: any SourceStore, destination: any DestinationStore, drain: FolderPass.Drain? = nil,
        each body: (FolderWork) async throws -> Void
    ) async throws -> [MailboxPath: [MessageSummary]] {
        let sourceFolders = try await source.folders()
        let destinationFolders = try await destination.folders()
        let existing = Set(destinationFolders.filter(\.selectable).map(\.path))
        let mappings = try await ArchivedMailSelection.resolve(
            FolderMapper(rules: rules).map(source: sourceFolders, destination: destinationFolders), source: source)
        let pass = FolderPass(
            pair: state?.pair ?? MailboxPair(sourceUser: "", destinationUser: ""), options: options,
            ledger: state?.ledger, identifyAll: identifyAll)

        // Folders renamed on the source since the last sync: apply renames their destination folder
        // first, so the plan diffs against the folder under its old name.
        var renamed: [MailboxPath: MailboxPath] = [:]
        if let state {
            for rename in try await FolderRename.detect(
                mappings: mappings, records: try state.ledger.folderRecords(sourceUser: state.pair.sourceUser),
                sourceFolders: sourceFolders, destinationFolders: existing, source: source)
            {
                renamed[rename.mapping.source.path] = rename.record.destinationFolder
            }
        }
        var pools = FolderPass.Pools(mappings: mappings, keepsUnpaired: identifyAll)
        for mapping in mappings {
            guard let old = renamed[mapping.source.path] else {
                let exists = mapping.destination.map(existing.contains) ?? false
                try await body(
                    try await pass.prepare(
                        mapping, destinationExists: exists, source: source, destination: destination, pools: &pools,
                        drain: drain))
                continue
            }
            var underOldName = mapping
            underOldName.destination = old
            var folderWork = try await pass.prepare(
                underOldName, destinationExists: true, source: source, destination: destination, pools: &pools,
                drain: drain)
            folderWork.mapping = mapping
            folderWork.renamedFrom = old
            try await body(folderWork)
        }
        return pools.messages.mapValues(\.unpaired)
    }
}
