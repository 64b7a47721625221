import Ledger
import MailferryCore

/// A source folder renamed since the last sync, found by what a rename keeps: the folder last
/// synced under its old name is gone from the source, and a folder new to the state has its
/// UIDVALIDITY (and at least its UIDNEXT). Its destination folder is renamed the same way, so that
/// the messages are not copied a second time under the new name.
struct FolderRename: Sendable, Hashable {
    var record: Ledger.FolderRecord
    var mapping: FolderMapping
    var newDestination: MailboxPath

    /// Renames found among `mappings`; only where the old destination folder exists, the new one does
    /// not, and exactly one candidate matches each side.
    static func detect(
        mappings: [FolderMapping], records: [Ledger.FolderRecord], sourceFolders: [FolderInfo],
        destinationFolders: Set<MailboxPath>, source: any SourceStore
    ) async throws -> [FolderRename] {
        let listed = Set(sourceFolders.map(\.path))
        let known = Set(records.map(\.sourceFolder))
        let vanished = records.filter {
            !listed.contains($0.sourceFolder) && destinationFolders.contains($0.destinationFolder)
        }
        guard !vanished.isEmpty else { return [] }
        var found: [FolderRename] = []
        for mapping in mappings where !known.contains(mapping.source.path) {
            guard let target = mapping.destination, !destinationFolders.contains(target) else { continue }
            let state = try await source.state(of: mapping.source.path)
            let matches = vanished.filter {
                $0.source.uidValidity == state.uidValidity && $0.source.uidNext <= state.uidNext
                    && $0.destinationFolder != target
            }
            guard matches.count == 1, let record = matches.first,
                !found.contains(where: { $0.record.sourceFolder == record.sourceFolder })
            else { continue }
            found.append(FolderRename(record: record, mapping: mapping, newDestination: target))
        }
        return found
    }
}
