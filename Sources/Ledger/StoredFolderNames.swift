import MailferryCore

/// `StoredMailboxPath.text` for the rows of one write: the last few names are remembered, because
/// the entries of a batch share a source and a destination folder and the text is made per row.
struct StoredFolderNames {
    private var recent: [(path: MailboxPath, text: String)] = []

    mutating func text(_ path: MailboxPath) -> String {
        if let known = recent.first(where: { $0.path == path }) { return known.text }
        let text = StoredMailboxPath.text(path)
        if recent.count == 4 { recent.removeFirst() }
        recent.append((path, text))
        return text
    }
}
