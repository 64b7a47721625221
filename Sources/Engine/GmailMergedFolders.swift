import MailferryCore

/// Two copied folders of a Gmail source that go to one destination folder (`folders.translate` with
/// `merge`, or a label named like the folder a special folder maps to): a message in both labels is
/// one message, so it is copied there once. The first such folder (in list order) copies all of its
/// messages, each later one only those none of the earlier ones shows. Genuine copies within one
/// folder are kept as they are.
enum GmailMergedFolders {
    static func resolve(_ mappings: [FolderMapping], survey: GmailLabelSurvey) -> [FolderMapping] {
        var resolved = mappings
        var shown: [MailboxPath: Set<String>] = [:]
        for index in mappings.indices where mappings[index].selection == .all {
            guard let target = mappings[index].destination, let listed = survey.listings[index] else { continue }
            if let earlier = shown[target] {
                let keys = Set(listed.filter { !earlier.contains($0.key) }.map(\.sourceKey))
                resolved[index].selection = .sourceKeys(keys)
                resolved[index].reason +=
                    "; merged with a Gmail folder copied there before: \(keys.count) of \(listed.count) "
                    + "messages are in neither"
            }
            shown[target, default: []].formUnion(listed.map(\.key))
        }
        return resolved
    }
}
