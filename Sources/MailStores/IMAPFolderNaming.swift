import IMAP
import MailferryCore

/// The personal namespace of one IMAP account: its prefix (e.g. "INBOX." on Courier) and hierarchy
/// delimiter, used to turn server names into `MailboxPath`s and back.
struct IMAPFolderNaming: Sendable {
    var prefix: String
    var delimiter: Character?

    /// From NAMESPACE when offered, else from the delimiter LIST reports.
    static func discover(client: IMAPClient, list: [IMAPListEntry]) async throws -> IMAPFolderNaming {
        if await client.hasCapability("NAMESPACE"), let namespaces = try await client.namespaces(),
            let personal = namespaces.personal.first
        {
            return IMAPFolderNaming(prefix: personal.prefix, delimiter: personal.delimiter)
        }
        return IMAPFolderNaming(prefix: "", delimiter: list.first { $0.delimiter != nil }?.delimiter ?? "/")
    }

    func path(of entry: IMAPListEntry) -> MailboxPath {
        MailboxPath(serverName: entry.name, delimiter: entry.delimiter ?? delimiter, prefix: prefix)
    }

    func serverName(of path: MailboxPath) -> String { path.serverName(delimiter: delimiter, prefix: prefix) }

    /// Only the personal namespace is migrated: other users' and shared folders are not the user's mail.
    func isPersonal(_ entry: IMAPListEntry) -> Bool {
        if entry.name.uppercased() == "INBOX" { return true }
        if prefix.isEmpty { return true }
        return entry.name.hasPrefix(prefix) || entry.name.uppercased().hasPrefix("INBOX")
    }

    static func folderInfo(_ entry: IMAPListEntry, naming: IMAPFolderNaming) -> FolderInfo {
        FolderInfo(
            path: naming.path(of: entry),
            specialUse: entry.specialUse.flatMap(SpecialUse.init(rawValue:)),
            subscribed: entry.hasAttribute("\\Subscribed"),
            selectable: entry.isSelectable)
    }
}
