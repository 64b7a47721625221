import IMAP
import MailferryCore

/// Maps folder paths to Maildir++ directory names as Dovecot 2.3 (`LAYOUT=maildir++`) stores them:
/// INBOX is the Maildir root, `A/B` is the directory `.A.B` with each component in modified UTF-7.
enum MaildirFolderName {
    /// The hierarchy separator of Maildir++ (and of Dovecot's default namespace on it).
    static let separator: Character = "."

    /// The directory name below the root ("" for INBOX), or `StoreError.folderRefused` when a
    /// component cannot be represented.
    static func directoryName(for folder: MailboxPath) throws(StoreError) -> String {
        if folder.isInbox { return "" }
        guard !folder.components.isEmpty else {
            throw .folderRefused(folder: folder.description, reason: "the folder has no name")
        }
        for component in folder.components {
            if let reason = refusal(of: component) {
                throw .folderRefused(folder: folder.description, reason: reason)
            }
        }
        // Dovecot 2.3 lists such a directory but refuses to open it ("Invalid mailbox name: Begins with
        // '~'", a guard against home-directory expansion); "A/~B" is fine.
        if folder.components[0].hasPrefix("~") {
            throw .folderRefused(
                folder: folder.description,
                reason: "Dovecot refuses folder names that begin with \"~\"; translate the folder in the job file")
        }
        return "." + folder.components.map(ModifiedUTF7.encode).joined(separator: String(separator))
    }

    /// The folder a root entry names, or nil when the entry is not a Maildir++ folder (".", "..", no dot).
    static func folder(forDirectoryName name: String) -> MailboxPath? {
        guard name.hasPrefix("."), name != ".", name != ".." else { return nil }
        let components = name.dropFirst().split(separator: separator, omittingEmptySubsequences: false)
        guard !components.contains(where: \.isEmpty) else { return nil }
        return MailboxPath(components: components.map { decodeComponent(String($0)) })
    }

    /// Names as Dovecot 2.3 writes them in `subscriptions`: mUTF-7 components joined by a tab.
    static func subscriptionName(for folder: MailboxPath) -> String {
        folder.components.map(ModifiedUTF7.encode).joined(separator: "\t")
    }

    static func decodeComponent(_ stored: String) -> String { (try? ModifiedUTF7.decode(stored)) ?? stored }

    /// Why a component cannot be a Maildir++ folder name component, or nil when it can.
    static func refusal(of component: String) -> String? {
        if component.contains(separator) {
            return "\"\(component)\" contains \".\", the Maildir++ hierarchy separator; "
                + "translate the folder to a name without \".\" in the job file"
        }
        if component.contains("/") {
            return "\"\(component)\" contains \"/\", which Maildir++ folder names cannot hold; "
                + "translate the folder in the job file"
        }
        if component.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "\"\(component)\" contains a control character, which Maildir++ folder names cannot hold"
        }
        return nil
    }
}
