import IMAP
import MailferryCore

/// Reads folder states and message summaries over IMAP, the same way for both stores.
enum IMAPSummaries {
    /// STATUS (MESSAGES UIDNEXT UIDVALIDITY [HIGHESTMODSEQ]) without selecting the folder.
    static func state(client: IMAPClient, mailbox: String) async throws -> FolderState {
        let status = try await client.status(mailbox)
        return FolderState(
            uidValidity: status.uidValidity ?? 0, uidNext: status.uidNext ?? 0, messageCount: status.messages ?? 0,
            highestModSeq: status.highestModSeq)
    }

    /// EXAMINE (read-only, so `\Recent` and `\Seen` stay untouched), then the metadata of every message;
    /// without `identified`, no header fields (the server need not parse a single message). Each
    /// message becomes its summary as its response arrives: the responses are never held together.
    /// With `gmailAttributes`, a Gmail server (X-GM-EXT-1) adds each message's id and labels.
    static func examineAndList(
        client: IMAPClient, mailbox: String, identified: Bool = true, gmailAttributes: Bool = false
    ) async throws -> [MessageSummary] {
        let selected = try await client.examine(mailbox)
        guard selected.exists > 0 else { return [] }
        let validity = selected.uidValidity ?? 0
        let fields = identified ? IMAPClient.metadataHeaderFields : []
        var (summaries, flagUpdates, inUIDOrder) = try await client.fetchMetadata(
            uids: 1...UInt32.max, headerFields: fields, expected: selected.exists, gmailAttributes: gmailAttributes
        ) { summary($0, uidValidity: validity, identified: identified) }
        if !inUIDOrder { summaries.sort { $0.uid < $1.uid } }
        for (uid, flags) in flagUpdates {
            if let index = firstIndex(of: uid, in: summaries) { summaries[index].flags = MessageFlags(flags) }
        }
        return summaries
    }

    /// Binary search in summaries sorted by UID.
    static func firstIndex(of uid: UInt32, in summaries: [MessageSummary]) -> Int? {
        var low = 0
        var high = summaries.count
        while low < high {
            let middle = (low + high) / 2
            if summaries[middle].uid < uid { low = middle + 1 } else { high = middle }
        }
        return low < summaries.count && summaries[low].uid == uid ? low : nil
    }

    /// A message Gmail labels `\\Starred` is `\\Flagged` (Gmail shows both; the flag is what other
    /// servers know).
    static func summary(_ metadata: IMAPMessageMetadata, uidValidity: UInt32, identified: Bool = true) -> MessageSummary
    {
        let size = Int64(metadata.size ?? 0)
        let identity =
            identified
            ? MessageIdentity(headers: Array(metadata.headerFields.readableBytesView), size: size)
            : MessageIdentity.unread(size: size)
        return MessageSummary(
            uid: metadata.uid,
            sourceKey: MessageSourceKey.imapKey(uidValidity: uidValidity, uid: metadata.uid),
            size: size,
            internalDate: metadata.internalDate.map(IMAPDateConversion.internalDate)
                ?? InternalDate(secondsSince1970: 0),
            flags: MessageFlags(
                metadata.flags + (metadata.gmailLabels?.contains("\\Starred") == true ? ["\\Flagged"] : [])),
            identity: identity,
            gmail: metadata.gmailMessageID.map {
                GmailMessage(messageID: $0, labels: (metadata.gmailLabels ?? []).map(gmailLabelName))
            })
    }

    /// A label as text: modified UTF-7 decoded (kept as sent when it is not valid modified UTF-7).
    static func gmailLabelName(_ label: String) -> String {
        (try? ModifiedUTF7.decode(label)) ?? label
    }
}
