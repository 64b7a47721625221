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
    /// without `identified`, no header fields (the server need not parse a single message).
    static func examineAndList(
        client: IMAPClient, mailbox: String, identified: Bool = true
    ) async throws -> [MessageSummary] {
        let selected = try await client.examine(mailbox)
        guard selected.exists > 0 else { return [] }
        let validity = selected.uidValidity ?? 0
        let fields = identified ? IMAPClient.metadataHeaderFields : []
        return try await client.fetchMetadata(uids: 1...UInt32.max, headerFields: fields).map {
            summary($0, uidValidity: validity, identified: identified)
        }
    }

    static func summary(_ metadata: IMAPMessageMetadata, uidValidity: UInt32, identified: Bool = true) -> MessageSummary {
        let size = Int64(metadata.size ?? 0)
        let identity = identified
            ? MessageIdentity(headers: Array(metadata.headerFields.readableBytesView), size: size)
            : MessageIdentity.unread(size: size)
        return MessageSummary(
            uid: metadata.uid,
            sourceKey: MessageSourceKey.imapKey(uidValidity: uidValidity, uid: metadata.uid),
            size: size,
            internalDate: metadata.internalDate.map(IMAPDateConversion.internalDate) ?? InternalDate(secondsSince1970: 0),
            flags: MessageFlags(metadata.flags),
            identity: identity)
    }
}
