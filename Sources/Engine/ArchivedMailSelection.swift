import MailferryCore

/// Gmail shows every label as a folder and All Mail holds every message again: copying All Mail as a
/// folder would double the mailbox. Its archived mail (messages with no label, in no other copied
/// folder) exists nowhere else, so exactly that part is copied, each message once (by X-GM-MSGID
/// where the server offers it, else by identity). Resolves the `.archivedOnly` and, with
/// `folders.labels: keywords`, the `.firstLabelOnly` selections `FolderMapper` made (over one
/// `GmailLabelSurvey`); runs before the folder passes.
enum ArchivedMailSelection {
    static func resolve(_ mappings: [FolderMapping], source: any SourceStore) async throws -> [FolderMapping] {
        guard mappings.contains(where: { $0.selection == .archivedOnly || $0.selection == .firstLabelOnly }) else {
            return mappings
        }
        let survey: GmailLabelSurvey
        do {
            survey = try await GmailLabelSurvey.take(mappings, source: source)
        } catch let unreadable as GmailLabelSurvey.Unreadable {
            return unresolved(mappings, because: unreadable.folder)
        }
        var resolved = GmailMergedFolders.resolve(GmailFirstLabel.resolve(mappings, survey: survey), survey: survey)
        for index in resolved.indices where resolved[index].selection == .archivedOnly {
            let all = survey.listings[index] ?? []
            var seen = survey.labelled
            var keys: Set<String> = []
            for message in all where seen.insert(message.key).inserted {
                keys.insert(message.sourceKey)
            }
            resolved[index].selection = .sourceKeys(keys)
            resolved[index].reason =
                "Gmail's All Mail: \(keys.count) of \(all.count) messages are in no other folder "
                + "(archived) -> \(resolved[index].destination?.description ?? "")"
        }
        return resolved
    }

    /// A label that cannot be read leaves open which mail is archived (and which label comes first):
    /// All Mail (and, with labels as keywords, every label) copies nothing this time (the label's
    /// folder fails on its own), rather than mail twice.
    private static func unresolved(_ mappings: [FolderMapping], because failed: MailboxPath) -> [FolderMapping] {
        mappings.map { mapping in
            guard mapping.selection == .archivedOnly || mapping.selection == .firstLabelOnly else { return mapping }
            var waiting = mapping
            let what = mapping.selection == .archivedOnly ? "Gmail's All Mail" : "Gmail labels as keywords"
            waiting.reason = "\(what): not copied this time, folder \(failed) could not be read"
            return waiting
        }
    }
}
