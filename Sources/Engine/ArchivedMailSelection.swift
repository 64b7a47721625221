import MailferryCore

/// Gmail shows every label as a folder and All Mail holds every message again: copying All Mail as a
/// folder would double the mailbox. Its archived mail (messages with no label, in no other copied
/// folder) exists nowhere else, so exactly that part is copied, each message once (by identity).
/// Resolves the `.archivedOnly` selections `FolderMapper` made; runs before the folder passes.
enum ArchivedMailSelection {
    static func resolve(_ mappings: [FolderMapping], source: any SourceStore) async throws -> [FolderMapping] {
        guard mappings.contains(where: { $0.selection == .archivedOnly }) else { return mappings }
        var labelled: Set<MessageIdentity> = []
        for mapping in mappings where mapping.selection == .all && !mapping.isSkipped {
            do {
                for message in try await source.summaries(in: mapping.source.path, identified: true) {
                    labelled.insert(message.identity)
                }
            } catch StoreError.folderRefused, StoreError.folderUnavailable {
                return unresolved(mappings, because: mapping)
            }
        }
        var resolved = mappings
        for index in resolved.indices where resolved[index].selection == .archivedOnly {
            let all = try await source.summaries(in: resolved[index].source.path, identified: true)
            var seen = labelled
            var keys: Set<String> = []
            for message in all.sorted(by: { $0.uid < $1.uid }) where seen.insert(message.identity).inserted {
                keys.insert(message.sourceKey)
            }
            resolved[index].selection = .sourceKeys(keys)
            resolved[index].reason =
                "Gmail's All Mail: \(keys.count) of \(all.count) messages are in no other folder "
                + "(archived) -> \(resolved[index].destination?.description ?? "")"
        }
        return resolved
    }

    /// A label that cannot be read leaves open which mail is archived: All Mail copies nothing this
    /// time (the label's folder fails on its own), rather than mail twice.
    private static func unresolved(_ mappings: [FolderMapping], because failed: FolderMapping) -> [FolderMapping] {
        mappings.map { mapping in
            guard mapping.selection == .archivedOnly else { return mapping }
            var waiting = mapping
            waiting.reason = "Gmail's All Mail: not copied this time, folder \(failed.source.path) could not be read"
            return waiting
        }
    }
}
