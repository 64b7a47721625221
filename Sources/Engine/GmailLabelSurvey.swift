import MailferryCore

/// Which messages each copied folder of a Gmail source shows, and All Mail's, listed before the
/// folder passes: what `ArchivedMailSelection` needs to find archived mail and `GmailFirstLabel`
/// the first label of each message. A message is named across folders by its `X-GM-MSGID` where
/// the server offers X-GM-EXT-1 (listed without header fields then), else by its identity
/// (Message-ID and size, read from the headers).
struct GmailLabelSurvey: Sendable {
    struct Listed: Sendable {
        var sourceKey: String
        /// The message's name across the folders of this account.
        var key: String
        var labels: [String]?
    }

    /// Per mapping index, the folder's messages in UID order: All Mail's, the label folders' with
    /// `folders.labels: keywords`, and those of folders that share their destination folder with
    /// another; the other copied folders only add to `labelled`.
    var listings: [Int: [Listed]] = [:]
    /// The names of every message in a copied folder (not All Mail).
    var labelled: Set<String> = []
    /// Whether messages are named by X-GM-MSGID.
    var byGmailID = true
    /// Whether labels are kept (only `GmailFirstLabel` needs them).
    var keepsLabels = false

    /// A copied folder could not be read: which mail is archived (or labelled first) stays open.
    struct Unreadable: Error {
        var folder: MailboxPath
    }

    /// Lists All Mail first (its labels are complete: Gmail leaves out the label of the folder
    /// being listed), then every other folder that is copied.
    static func take(_ mappings: [FolderMapping], source: any SourceStore) async throws -> GmailLabelSurvey {
        var survey = GmailLabelSurvey()
        survey.keepsLabels = mappings.contains { $0.selection == .firstLabelOnly }
        let allMail = mappings.indices.filter { mappings[$0].selection == .archivedOnly }
        let copied = mappings.indices.filter { !mappings[$0].isSkipped && mappings[$0].selection != .archivedOnly }
        var sharing: [MailboxPath: Int] = [:]
        for index in copied { sharing[mappings[index].destination ?? .inbox, default: 0] += 1 }
        for index in allMail {
            survey.listings[index] = try await survey.list(mappings[index].source.path, source: source)
        }
        for index in copied {
            let listed: [Listed]
            do {
                listed = try await survey.list(mappings[index].source.path, source: source)
            } catch StoreError.folderRefused, StoreError.folderUnavailable {
                throw Unreadable(folder: mappings[index].source.path)
            }
            for message in listed { survey.labelled.insert(message.key) }
            if mappings[index].selection != .all || sharing[mappings[index].destination ?? .inbox, default: 0] > 1 {
                survey.listings[index] = listed
            }
        }
        return survey
    }

    /// One folder's messages. Listed without header fields while the server names every message
    /// by X-GM-MSGID; the first listing that lacks it is read again with them, and so is the rest.
    private mutating func list(_ folder: MailboxPath, source: any SourceStore) async throws -> [Listed] {
        if byGmailID {
            let listed = try await source.summaries(in: folder, identified: false)
            if listed.allSatisfy({ $0.gmail != nil }) {
                return Self.sorted(listed).map {
                    Listed(
                        sourceKey: $0.sourceKey, key: $0.gmail?.key ?? "", labels: keepsLabels ? $0.gmail?.labels : nil)
                }
            }
            byGmailID = false
        }
        return Self.sorted(try await source.summaries(in: folder, identified: true)).map {
            Listed(sourceKey: $0.sourceKey, key: $0.identity.key, labels: nil)
        }
    }

    private static func sorted(_ messages: [MessageSummary]) -> [MessageSummary] {
        messages.sorted { $0.uid < $1.uid }
    }
}
