import MailferryCore

/// Which messages of a mapped source folder are copied. Every folder copies all of them except
/// Gmail's All Mail, which holds every message again: only its archived mail (in no other copied
/// folder) is copied, once `ArchivedMailSelection` has found which messages that is.
public enum MessageSelection: Sendable, Hashable {
    case all
    /// Not yet resolved: admits nothing, so that an unresolved All Mail never copies mail twice.
    case archivedOnly
    /// The source keys (`MessageSummary.sourceKey`) of the messages to copy.
    case sourceKeys(Set<String>)

    func admitted(_ messages: [MessageSummary]) -> [MessageSummary] {
        switch self {
        case .all: return messages
        case .archivedOnly: return []
        case .sourceKeys(let keys): return messages.filter { keys.contains($0.sourceKey) }
        }
    }
}
