import MailferryCore

/// Applies a job's folder rules to the folders a source lists: skip globs first, then the source
/// provider's conventions (`ProviderFolderConventions`; Gmail's All Mail goes to the archive folder,
/// archived mail only), then the longest matching translation (which also carries subfolders), then
/// special-use attributes.
public struct FolderMapper: Sendable {
    public var rules: FolderRules

    public init(rules: FolderRules) {
        self.rules = rules
    }

    /// One mapping per source folder, sorted by source path (INBOX first, parents before children).
    public func map(source: [FolderInfo], destination: [FolderInfo]) -> [FolderMapping] {
        let conventions = ProviderFolderConventions(provider: rules.sourceProvider)
        let source = conventions.annotated(source)
        let destination = ProviderFolderConventions(provider: rules.destinationProvider).annotated(destination)
        let globs = rules.skip.map(FolderGlob.init)
        let destinationBySpecialUse = Dictionary(
            destination.compactMap { info in info.specialUse.map { ($0, info.path) } },
            uniquingKeysWith: { first, second in min(first, second) }
        )
        let mappings = source.sorted { $0.path < $1.path }.map { folder in
            let name = folder.path.description
            if let glob = globs.first(where: { $0.matches(name) }) {
                return FolderMapping(source: folder, destination: nil, reason: "skip rule \"\(glob.pattern)\"")
            }
            if !folder.selectable {
                return FolderMapping(
                    source: folder, destination: nil,
                    reason: "holds no messages (\\Noselect); subfolders are created with their parents")
            }
            if let reason = conventions.skipReason(for: folder) {
                return FolderMapping(source: folder, destination: nil, reason: reason)
            }
            if rules.sourceProvider == .gmail, folder.specialUse == .all {
                let archive =
                    rules.archive.map(MailboxPath.init) ?? destinationBySpecialUse[.archive] ?? MailboxPath("Archive")
                return FolderMapping(
                    source: folder, destination: archive,
                    reason: "Gmail's All Mail: only mail in no other folder (archived) -> \(archive)",
                    selection: .archivedOnly)
            }
            if let translated = translate(folder.path) {
                return FolderMapping(source: folder, destination: translated.path, reason: translated.reason)
            }
            if rules.specialUse, let use = folder.specialUse {
                if let target = destinationBySpecialUse[use] {
                    if target != folder.path {
                        return FolderMapping(
                            source: folder, destination: target, reason: "special-use \(use.rawValue) -> \(target)")
                    }
                } else if let target = conventions.conventionalName(for: use), target != folder.path {
                    return FolderMapping(
                        source: folder, destination: target,
                        reason:
                            "special-use \(use.rawValue) -> \(target) (the destination has no \(use.rawValue) folder)")
                }
            }
            return FolderMapping(source: folder, destination: folder.path, reason: "same name")
        }
        // With labels as keywords a label's folder copies only the messages whose first label it is.
        guard rules.sourceProvider == .gmail, rules.labels == .keywords else { return mappings }
        return mappings.map { mapping in
            var marked = mapping
            if !mapping.isSkipped, mapping.selection == .all { marked.selection = .firstLabelOnly }
            return marked
        }
    }

    /// Longest source prefix wins, so `INBOX/Old` beats `INBOX` for `INBOX/Old/2019`.
    func translate(_ path: MailboxPath) -> (path: MailboxPath, reason: String)? {
        let candidates = rules.translate.compactMap { translation -> (Int, FolderRules.Translation)? in
            let from = MailboxPath(translation.source)
            return path.hasPrefix(from) ? (from.components.count, translation) : nil
        }
        guard let best = candidates.max(by: { $0.0 < $1.0 }) else { return nil }
        let to = MailboxPath(best.1.destination)
        let rest = path.components.dropFirst(best.0)
        let result = MailboxPath(components: to.components + rest)
        return (result, "translate \"\(best.1.source)\" -> \"\(best.1.destination)\"")
    }
}
