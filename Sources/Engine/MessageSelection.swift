import MailferryCore

/// Which messages of a mapped source folder are copied. Every folder copies all of them except
/// Gmail's All Mail, which holds every message again: only its archived mail (in no other copied
/// folder) is copied, once `ArchivedMailSelection` has found which messages that is. With
/// `folders.labels: keywords` a Gmail label's folder copies only the messages whose first label
/// it is (`GmailFirstLabel`).
public enum MessageSelection: Sendable, Hashable {
    case all
    /// Not yet resolved: admits nothing, so that an unresolved All Mail never copies mail twice.
    case archivedOnly
    /// The source keys (`MessageSummary.sourceKey`) of the messages to copy.
    case sourceKeys(Set<String>)
    /// A label folder with `folders.labels: keywords`, not yet resolved: admits nothing.
    case firstLabelOnly
    /// The source keys of the messages whose first label this folder is, each with the keywords
    /// its other labels add to its flags.
    case firstLabel(keywords: [String: [String]])

    func admitted(_ messages: [MessageSummary]) -> [MessageSummary] {
        switch self {
        case .all: return messages
        case .archivedOnly, .firstLabelOnly: return []
        case .sourceKeys(let keys): return messages.filter { keys.contains($0.sourceKey) }
        case .firstLabel(let keywords):
            return messages.compactMap { message in
                guard let added = keywords[message.sourceKey] else { return nil }
                guard !added.isEmpty else { return message }
                var labelled = message
                labelled.flags = MessageFlags(message.flags.values.union(added))
                return labelled
            }
        }
    }
}
