import IMAP
import MailferryCore

/// What one IMAP account's last LIST said: its naming (prefix, delimiter) and each folder's name on
/// the wire, so that commands use the server's own spelling. Both IMAP stores keep one.
struct IMAPFolderDirectory: Sendable {
    private(set) var naming = IMAPFolderNaming(prefix: "", delimiter: "/")
    private var names: [MailboxPath: String] = [:]

    /// LISTs the personal namespace: the directory it describes and its folders.
    static func list(client: IMAPClient) async throws -> (IMAPFolderDirectory, [FolderInfo]) {
        let (naming, folders) = try await IMAPFolderNaming.listPersonalFolders(client: client)
        var directory = IMAPFolderDirectory()
        directory.naming = naming
        directory.names = Dictionary(uniqueKeysWithValues: folders.map { ($0.0.path, $0.1) })
        return (directory, folders.map(\.0))
    }

    /// The listed name, nil for a folder the last LIST did not show.
    func listedName(of folder: MailboxPath) -> String? { names[folder] }

    /// The listed name, or the name this account's naming gives a folder it does not have yet.
    func serverName(of folder: MailboxPath) -> String { names[folder] ?? naming.serverName(of: folder) }

    mutating func remember(_ folder: MailboxPath, as name: String) { names[folder] = name }
}
