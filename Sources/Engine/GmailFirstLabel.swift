import MailferryCore

/// `folders.labels: keywords`: each message of a Gmail source is copied once, into the folder of
/// its first label, and its other labels become keywords on that copy (`LabelKeyword`).
///
/// The first label: INBOX when the message is in INBOX; else the first of its `X-GM-LABELS`, in the
/// server's order, whose folder is copied; without X-GM-LABELS (or for folders no label names),
/// the first folder that shows the message in the order of the folder list (sorted by name, INBOX
/// first). Labels whose folder is not copied (skipped, Important, Starred) become no keyword:
/// Starred is the copy's `\Flagged`.
enum GmailFirstLabel {
    /// Gmail's system labels of the special folders.
    static let systemLabels: [SpecialUse: String] = [
        .sent: "\\Sent", .drafts: "\\Draft", .trash: "\\Trash", .junk: "\\Spam",
    ]

    static func resolve(_ mappings: [FolderMapping], survey: GmailLabelSurvey) -> [FolderMapping] {
        let labelFolders = mappings.indices.filter { mappings[$0].selection == .firstLabelOnly }
        guard !labelFolders.isEmpty else { return mappings }
        // Per message: the label folders that show it (in list order) and its labels.
        var shownIn: [String: [Int]] = [:]
        var labels: [String: [String]] = [:]
        var sourceKeys: [Int: [String: [String]]] = [:]
        for (index, listed) in survey.listings.sorted(by: { $0.key < $1.key }) {
            let isLabelFolder = mappings[index].selection == .firstLabelOnly
            for message in listed {
                if isLabelFolder {
                    if shownIn[message.key]?.last != index { shownIn[message.key, default: []].append(index) }
                    sourceKeys[index, default: [:]][message.key, default: []].append(message.sourceKey)
                }
                // All Mail's labels are complete; a label folder's lack its own label.
                if let found = message.labels, labels[message.key] == nil || !isLabelFolder {
                    labels[message.key] = found
                }
            }
        }
        var chosen: [Int: [String: [String]]] = [:]
        for index in labelFolders { chosen[index] = [:] }
        for (key, folders) in shownIn {
            let ordered = order(folders, labels: labels[key] ?? [], mappings: mappings)
            guard let first = ordered.first, let target = mappings[first].destination else { continue }
            var keywords: [String] = []
            for other in ordered.dropFirst() {
                guard let destination = mappings[other].destination, destination != target else { continue }
                let keyword = LabelKeyword.keyword(for: destination)
                if !keywords.contains(keyword) { keywords.append(keyword) }
            }
            for sourceKey in sourceKeys[first]?[key] ?? [] { chosen[first]?[sourceKey] = keywords }
        }
        var resolved = mappings
        for index in labelFolders {
            let selected = chosen[index] ?? [:]
            let listed = survey.listings[index]?.count ?? 0
            resolved[index].selection = .firstLabel(keywords: selected)
            resolved[index].reason =
                "Gmail labels as keywords: \(selected.count) of \(listed) messages have their first label here -> "
                + "\(resolved[index].destination?.description ?? "")"
        }
        return resolved
    }

    /// The folders in the order that makes the first one the message's first label.
    static func order(_ folders: [Int], labels: [String], mappings: [FolderMapping]) -> [Int] {
        func rank(_ index: Int) -> Int {
            let folder = mappings[index].source
            if folder.path == .inbox { return -1 }
            let label = folder.specialUse.flatMap { systemLabels[$0] } ?? folder.path.description
            if let position = labels.firstIndex(where: { $0.lowercased() == label.lowercased() }) {
                return position
            }
            return labels.count + index
        }
        return folders.sorted { (rank($0), $0) < (rank($1), $1) }
    }
}
