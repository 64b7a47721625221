import MailferryCore

/// The Maildir root's `subscriptions` file as Dovecot 2.3 writes it (verified against 2.3.19):
/// a header line "V\t2", an empty line, then one name per line with the hierarchy levels separated by
/// a tab (not by the namespace separator) and each level in modified UTF-7, e.g. "A\t&AOQ-\tC".
/// Files without the header (version 1) hold names with the namespace separator "." instead; they are
/// read, and rewritten in version 2 (which Dovecot 2.3 reads) when a subscription is added.
struct MaildirSubscriptions: Equatable, Sendable {
    static let fileName = "subscriptions"

    private(set) var folders: [MailboxPath] = []

    init(folders: [MailboxPath] = []) { self.folders = folders }

    init(parsing bytes: [UInt8]) {
        var lines = TextLines.split(String(decoding: bytes, as: UTF8.self))
        var levelSeparator: Character = MaildirFolderName.separator
        if let first = lines.first, first.hasPrefix("V\t") {
            lines.removeFirst()
            levelSeparator = "\t"
        }
        for line in lines where !line.isEmpty {
            let components = line.split(separator: levelSeparator).map { MaildirFolderName.decodeComponent(String($0)) }
            let folder = MailboxPath(components: components)
            if !folder.components.isEmpty, !folders.contains(folder) { folders.append(folder) }
        }
    }

    func contains(_ folder: MailboxPath) -> Bool { folders.contains(folder) }

    /// Appends at the end as Dovecot does; false when already subscribed.
    mutating func add(_ folder: MailboxPath) -> Bool {
        guard !folders.contains(folder) else { return false }
        folders.append(folder)
        return true
    }

    var serialized: [UInt8] {
        Array(("V\t2\n\n" + folders.map { MaildirFolderName.subscriptionName(for: $0) + "\n" }.joined()).utf8)
    }
}
