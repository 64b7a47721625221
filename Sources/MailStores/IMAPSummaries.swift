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
        return try await list(
            client: client, uids: 1...UInt32.max, uidValidity: selected.uidValidity ?? 0, identified: identified,
            expected: selected.exists, gmailAttributes: gmailAttributes)
    }

    /// The summaries of the selected mailbox's messages in `uids`, in UID order.
    static func list(
        client: IMAPClient, uids: ClosedRange<UInt32>, uidValidity: UInt32, identified: Bool, expected: Int,
        gmailAttributes: Bool = false
    ) async throws -> [MessageSummary] {
        let fields = identified ? IMAPClient.metadataHeaderFields : []
        var (summaries, flagUpdates, inUIDOrder) = try await client.fetchMetadata(
            uids: uids, headerFields: fields, expected: expected, gmailAttributes: gmailAttributes
        ) { summary($0, uidValidity: uidValidity, identified: identified) }
        if !inUIDOrder { summaries.sort { $0.uid < $1.uid } }
        for (uid, flags) in flagUpdates {
            if let index = firstIndex(of: uid, in: summaries) { summaries[index].flags = MessageFlags(flags) }
        }
        return summaries
    }

    /// One window of the listing of the selected mailbox (`selected`, as EXAMINE reported it when
    /// the listing began). A window spans a range of UIDs sized from how dense the UIDs are (UIDNEXT
    /// against EXISTS, then what each window found), so that it holds about `window.size` messages
    /// in one `UID FETCH lo:hi`; the window that reaches UIDNEXT ends in `*`, which also catches
    /// messages that arrived during the listing.
    static func listWindow(
        client: IMAPClient, selected: IMAPSelectedMailbox?, identified: Bool, window: ListingWindow,
        gmailAttributes: Bool = false
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        var window = window
        if let selected {
            guard selected.exists > 0 else { return ([], nil) }
            window.uidValidity = selected.uidValidity ?? 0
            window.end = selected.uidNext
            let density = UInt64(selected.uidNext ?? 0) / UInt64(selected.exists)
            window.span = UInt32(clamping: UInt64(window.size) * max(1, density))
        }
        let first = UInt64(window.first)
        let span = UInt64(window.span ?? UInt32.max)
        let last = first + span - 1
        let reachesEnd = window.end.map { last + 1 >= UInt64($0) } ?? true
        let uids = window.first...(reachesEnd ? UInt32.max : UInt32(last))
        // "n:*" with n above the highest UID still returns the highest message (RFC 3501 6.4.8).
        let messages = try await list(
            client: client, uids: uids, uidValidity: window.uidValidity ?? 0, identified: identified,
            expected: min(window.size, Int(clamping: span)), gmailAttributes: gmailAttributes
        ).filter { $0.uid >= window.first }
        guard !reachesEnd else { return (messages, nil) }
        var next = window
        next.first = UInt32(last + 1)
        if messages.count > 2 * window.size {
            next.span = UInt32(max(1, span / 2))
        } else if messages.count < window.size / 2 {
            next.span = UInt32(clamping: span * 2)
        }
        return (messages, next)
    }

    /// One window of `mailbox`'s listing, for a store that knows whether it still has the mailbox
    /// selected: the first window examines it afresh (its EXISTS, UIDNEXT and UIDVALIDITY size the
    /// windows), and so does a later one after another mailbox was selected in between, which
    /// fails if the UIDVALIDITY changed: what was listed names other messages now. Errors come as
    /// `StoreError`s naming `folder` on `server`.
    static func listWindow(
        client: IMAPClient, mailbox: String, folder: MailboxPath, server: String, stillSelected: Bool,
        identified: Bool, window: ListingWindow, gmailAttributes: Bool = false
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        do {
            var selected: IMAPSelectedMailbox?
            if window.span == nil || !stillSelected {
                let examined = try await client.examine(mailbox)
                if window.span != nil, examined.uidValidity ?? 0 != window.uidValidity ?? 0 {
                    throw StoreError.folderUnavailable(
                        folder: folder.description, reason: "its UIDVALIDITY changed while it was listed")
                }
                if window.span == nil { selected = examined }
            }
            return try await listWindow(
                client: client, selected: selected, identified: identified, window: window,
                gmailAttributes: gmailAttributes)
        } catch let error as StoreError {
            throw error
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: server)
        }
    }

    /// Runs of consecutive UIDs per `UID FETCH` of `identified(_:client:)`: a command line of at most
    /// about 11 KB (servers accept 8 KB to 64 KB), however many UIDs the runs hold.
    static let identifiedRunsPerCommand = 500

    /// `messages` of the selected mailbox with the identities their header fields give, read for just
    /// the UIDs still without one; a message gone meanwhile stays as it was.
    static func identified(_ messages: [MessageSummary], client: IMAPClient) async throws -> [MessageSummary] {
        var result = messages
        let unread = messages.indices.filter { messages[$0].identity.isUnread }.sorted {
            messages[$0].uid < messages[$1].uid
        }
        var start = 0
        while start < unread.count {
            var end = start + 1
            var runs = 1
            while end < unread.count {
                if messages[unread[end]].uid != messages[unread[end - 1]].uid &+ 1 {
                    guard runs < identifiedRunsPerCommand else { break }
                    runs += 1
                }
                end += 1
            }
            let part = unread[start..<end]
            let (identities, _, _) = try await client.fetchMetadata(uids: part.map { messages[$0].uid }) {
                metadata in
                (
                    uid: metadata.uid,
                    identity: MessageIdentity(
                        headers: Array(metadata.headerFields.readableBytesView), size: Int64(metadata.size ?? 0))
                )
            }
            let byUID = Dictionary(identities.map { ($0.uid, $0.identity) }, uniquingKeysWith: { first, _ in first })
            for index in part {
                if let identity = byUID[messages[index].uid] { result[index].identity = identity }
            }
            start = end
        }
        return result
    }

    /// Binary search in summaries sorted by UID.
    static func firstIndex(of uid: UInt32, in summaries: [MessageSummary]) -> Int? {
        let index = summaries.partitionPoint { $0.uid < uid }
        return index < summaries.count && summaries[index].uid == uid ? index : nil
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
            uidValidity: uidValidity,
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
