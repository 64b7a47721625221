import MailferryCore

/// What a provider's folder list means beyond SPECIAL-USE: Exchange's and Gmail's well-known names
/// where a server leaves the attribute out, Exchange's non-mail folders and Gmail's views (Starred,
/// Important), which are not folders to copy.
struct ProviderFolderConventions: Sendable {
    var provider: MailProvider

    /// Exchange keeps calendars, contacts and the like in folders that IMAP lists but that hold no mail
    /// a mail server could use; their subfolders too ("Sync Issues/Conflicts", "Calendar/Birthdays").
    static let exchangeNonMailFolders: Set<String> = [
        "calendar", "contacts", "tasks", "notes", "journal", "outbox", "sync issues", "conversation history",
    ]

    static let exchangeWellKnownNames: [String: SpecialUse] = [
        "sent items": .sent, "deleted items": .trash, "junk email": .junk, "junk e-mail": .junk, "drafts": .drafts,
        "archive": .archive,
    ]

    /// Gmail's system folders under `[Gmail]/` (`[Google Mail]/` in some countries).
    static let gmailWellKnownNames: [String: SpecialUse] = [
        "all mail": .all, "starred": .flagged, "important": .important, "sent mail": .sent, "drafts": .drafts,
        "trash": .trash, "bin": .trash, "spam": .junk,
    ]

    /// The folders with the special use their provider's well-known name implies, where the server
    /// listed none; other folders are left as listed.
    func annotated(_ folders: [FolderInfo]) -> [FolderInfo] {
        folders.map { folder in
            guard folder.specialUse == nil, let use = wellKnownUse(of: folder.path) else { return folder }
            var annotated = folder
            annotated.specialUse = use
            return annotated
        }
    }

    private func wellKnownUse(of path: MailboxPath) -> SpecialUse? {
        let components = path.components.map { $0.lowercased() }
        switch provider {
        case .microsoft365, .exchange:
            return components.count == 1 ? Self.exchangeWellKnownNames[components[0]] : nil
        case .gmail:
            guard components.count == 2, components[0] == "[gmail]" || components[0] == "[google mail]" else {
                return nil
            }
            return Self.gmailWellKnownNames[components[1]]
        case .generic:
            return nil
        }
    }

    /// Why a source folder is not copied at all, or nil.
    func skipReason(for folder: FolderInfo) -> String? {
        switch provider {
        case .microsoft365, .exchange:
            guard let top = folder.path.components.first, Self.exchangeNonMailFolders.contains(top.lowercased()) else {
                return nil
            }
            return "\(provider.displayName) non-mail folder (\(top)): not copied"
        case .gmail:
            switch folder.specialUse {
            case .flagged: return "Gmail's Starred view (\\Flagged): its messages keep \\Flagged in their own folders"
            case .important: return "Gmail's Important view (\\Important): not a folder"
            default: return nil
            }
        case .generic:
            return nil
        }
    }

    /// Where a special folder goes when the destination has no folder with that attribute: the
    /// common name, so that Exchange's "Sent Items" or Gmail's "[Gmail]/Sent Mail" become "Sent".
    /// Nil for a generic source, whose folders keep their names.
    func conventionalName(for use: SpecialUse) -> MailboxPath? {
        guard provider != .generic else { return nil }
        switch use {
        case .sent: return MailboxPath("Sent")
        case .drafts: return MailboxPath("Drafts")
        case .trash: return MailboxPath("Trash")
        case .junk: return MailboxPath("Junk")
        case .archive: return MailboxPath("Archive")
        case .all, .flagged, .important: return nil
        }
    }
}
