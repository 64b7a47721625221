import Foundation
import MailferryCore
import NIOCore
import POP3

/// Reads a POP3 maildrop as the folder INBOX without changing anything: UIDL, LIST and TOP only; the
/// client has no DELE, so QUIT removes nothing. Bodies come by `TOP n <max>` rather than RETR, because
/// servers mark a RETRieved message read (Dovecot sets `\Seen`); RETR only when TOP is not offered.
///
/// Sizes and identity: LIST counts the message as stored, with CRLF line ends. Dovecot's RETR and
/// TOP add a CRLF when the stored message lacks a final line end, which LIST does not count. The body
/// is spooled to a temporary file and, when it is exactly that added CRLF longer than LIST said, the
/// CRLF is cut off again, so that the copy is byte for byte what IMAP would have copied. Its size on
/// the destination (RFC822.SIZE) then equals LIST, the identity's size: re-runs, and a message copied
/// earlier over IMAP, are recognised. A server whose LIST is otherwise inexact gets its bytes copied
/// as sent, but such copies are not recognised as present on a later run.
actor POP3SourceStore: SourceStore {
    nonisolated let endpoints: UserPlan.Endpoints
    private let client: POP3Client
    private let serverName: String
    private let spoolDirectory: String
    /// Used as INTERNALDATE for a message without a `Received:` or `Date:` header that parses.
    private let runDate: InternalDate
    private var listing: [POP3UniqueID]?
    /// Message number → LIST size, from the last `summaries(in:)`.
    private var sizes: [Int: Int] = [:]

    init(
        client: sending POP3Client, serverName: String, endpoints: UserPlan.Endpoints, spoolDirectory: String,
        runDate: Date = Date()
    ) {
        self.client = client
        self.serverName = serverName
        self.endpoints = endpoints
        self.spoolDirectory = spoolDirectory
        self.runDate = InternalDate(secondsSince1970: Int64(runDate.timeIntervalSince1970.rounded(.down)))
    }

    func folders() async throws -> [FolderInfo] {
        [FolderInfo(path: .inbox)]
    }

    /// POP3 has no UIDVALIDITY, UIDNEXT or MODSEQ. The state is derived from the set of UIDLs, so that it
    /// changes whenever a message arrives or goes, even when one is deleted and another added. POP3 has no
    /// flags, so the UIDL set is all that can change: the hash also stands in for HIGHESTMODSEQ, which
    /// lets the engine skip an unchanged INBOX without reading every header again.
    func state(of folder: MailboxPath) async throws -> FolderState {
        try requireInbox(folder)
        let ids = try await uniqueIDs()
        let digest = Self.digest(of: ids.map(\.uid))
        return FolderState(
            uidValidity: 1, uidNext: UInt32(truncatingIfNeeded: digest ^ (digest >> 32)), messageCount: ids.count,
            highestModSeq: digest)
    }

    func summaries(in folder: MailboxPath) async throws -> [MessageSummary] {
        try requireInbox(folder)
        let ids = try await uniqueIDs()
        var summaries: [MessageSummary] = []
        do {
            let listed = try await client.messageSizes()
            sizes = Dictionary(listed.map { ($0.messageNumber, $0.size) }, uniquingKeysWith: { first, _ in first })
            summaries.reserveCapacity(ids.count)
            let uidls = Dictionary(ids.map { ($0.messageNumber, $0.uid) }, uniquingKeysWith: { first, _ in first })
            let listedSizes = sizes
            let numbers = ids.map(\.messageNumber).filter { listedSizes[$0] != nil }
            let fallbackDate = runDate
            // TOP n 0, pipelined when the server allows: one round trip per batch instead of per message.
            try await client.headers(of: numbers) { number, headerBuffer in
                // nil: deleted by another session since UIDL.
                guard let headerBuffer, let size = listedSizes[number], let uidl = uidls[number] else { return }
                let listed = Self.unidentified(number: number, uidl: uidl, size: size, fallbackDate: fallbackDate)
                summaries.append(Self.identified(listed, headers: Array(headerBuffer.readableBytesView)))
            }
        } catch {
            throw folderError(error)
        }
        return summaries
    }

    /// Without `identified`, UIDL and LIST only: no header is read until the message itself is, when
    /// `POP3BodyBatch` completes the summary from the spooled copy (the same header block `TOP n 0`
    /// sends, so the identity and arrival date are the ones a later listing finds).
    func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary] {
        guard !identified else { return try await summaries(in: folder) }
        try requireInbox(folder)
        let ids = try await uniqueIDs()
        do {
            let listed = try await client.messageSizes()
            sizes = Dictionary(listed.map { ($0.messageNumber, $0.size) }, uniquingKeysWith: { first, _ in first })
        } catch {
            throw folderError(error)
        }
        let fallbackDate = runDate
        return ids.compactMap { id in
            sizes[id.messageNumber].map {
                Self.unidentified(number: id.messageNumber, uidl: id.uid, size: $0, fallbackDate: fallbackDate)
            }
        }
    }

    /// `TOP n 0` for just these messages (pipelined when the server allows); one deleted by another
    /// session since stays as it was.
    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        try requireInbox(folder)
        let unread = messages.indices.filter { messages[$0].identity.isUnread }
        guard !unread.isEmpty else { return messages }
        var headers: [Int: [UInt8]] = [:]
        do {
            try await client.headers(of: unread.map { Int(messages[$0].uid) }) { number, headerBuffer in
                if let headerBuffer { headers[number] = Array(headerBuffer.readableBytesView) }
            }
        } catch {
            throw folderError(error)
        }
        var result = messages
        for index in unread {
            if let block = headers[Int(messages[index].uid)] {
                result[index] = Self.identified(messages[index], headers: block)
            }
        }
        return result
    }

    /// Dates come from the `Received:` and `Date:` headers.
    nonisolated func datesNeedHeaders(in folder: MailboxPath) -> Bool { true }

    /// A listed message whose header is not read yet: `MessageIdentity.unread`, dated `fallbackDate`.
    private static func unidentified(number: Int, uidl: String, size: Int, fallbackDate: InternalDate)
        -> MessageSummary
    {
        MessageSummary(
            uid: UInt32(truncatingIfNeeded: number), sourceKey: MessageSourceKey.pop3Key(uidl: uidl),
            size: Int64(size), internalDate: fallbackDate, flags: .none, identity: .unread(size: Int64(size)),
            internalDateKnown: false)
    }

    /// `message` with the identity and arrival date its header block gives.
    static func identified(_ message: MessageSummary, headers: [UInt8]) -> MessageSummary {
        var summary = message
        let arrival = HeaderDate.arrival(in: HeaderFields(parsing: headers))
        summary.identity = MessageIdentity(headers: headers, size: message.size)
        if let arrival {
            summary.internalDate = arrival
            summary.internalDateKnown = true
        }
        return summary
    }

    /// `message` as it goes to the destination: completed from its spooled copy when it was listed
    /// without its header.
    static func delivered(_ message: MessageSummary, spool: SpoolFile) throws -> SourceMessage {
        var summary = message
        if message.identity.isUnread {
            do {
                summary = identified(message, headers: try spool.headerBlock())
            } catch {
                throw error.storeError
            }
        }
        return SourceMessage(summary: summary, body: MessageBody(size: spool.size, chunks: spool.chunks))
    }

    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath, _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result {
        try requireInbox(folder)
        let spool = try await spooledBody(of: message)
        defer { spool.close() }
        return try await consume(MessageBody(size: spool.size, chunks: spool.chunks))
    }

    /// POP3 has no command for several messages, so the batch is one `TOP` after another, pipelined
    /// in windows when the server allows (`POP3BodyBatch`); each spool is closed when the next message
    /// is asked for.
    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        try requireInbox(folder)
        let batch = POP3BodyBatch(store: self, messages: messages)
        do {
            let result = try await consume(MessageBodies { try await batch.next() })
            await batch.close()
            return result
        } catch {
            await batch.close()
            throw error
        }
    }

    /// Messages per pipelined window and the bytes (by LIST) one window may hold: enough to hide
    /// the round trips of small messages, few enough that responses waiting in the socket stay small.
    static let pipelineMessages = 16
    static let pipelineBytes: Int64 = 1024 * 1024

    /// Whether bodies come by `TOP` (left unread), which `request(_:)` needs; otherwise by RETR.
    var readsByTOP: Bool { client.capabilities.supportsTOP }

    /// How many of `messages` (at least one) go out in one window: several only when the server
    /// offers TOP and PIPELINING.
    func window(of messages: ArraySlice<MessageSummary>) -> Int {
        guard client.capabilities.supportsTOP, client.capabilities.supportsPipelining else { return 1 }
        var count = 0
        var bytes: Int64 = 0
        for message in messages.prefix(Self.pipelineMessages) {
            if count > 0, bytes + message.size > Self.pipelineBytes { break }
            count += 1
            bytes += message.size
        }
        return max(1, count)
    }

    /// Sends the `TOP`s of a window in one write; `spooledRequested(_:)` reads them in order.
    func request(_ messages: ArraySlice<MessageSummary>) async throws {
        do {
            try await client.requestUnread(messages.map { Int($0.uid) })
        } catch {
            throw POP3ErrorMapping.storeError(error, server: serverName)
        }
    }

    /// The oldest requested message, spooled; nil when the server answered `-ERR` (deleted by
    /// another session since the listing).
    func spooledRequested(_ message: MessageSummary) async throws -> SpoolFile? {
        try await spool(message) { consumer in try await client.readRequested(into: consumer) }
    }

    /// Reads and drops the responses of `count` requested messages nobody read (the batch ended
    /// early), so that the session's next command reads its own answer.
    func discardRequested(_ count: Int) async {
        for _ in 0..<count {
            do {
                _ = try await client.readRequested { _ in }
            } catch {
                await client.close()  // out of step for good: nothing more can be read from it
                return
            }
        }
    }

    /// The message spooled (in memory when small, else to an unlinked temporary file), with the CRLF
    /// RETR adds trimmed.
    func spooledBody(of message: MessageSummary) async throws -> SpoolFile {
        let number = Int(message.uid)
        // TOP with more lines than any body has sends the whole message without marking it read.
        let spool = try await spool(message) { consumer in
            if client.capabilities.supportsTOP {
                try await client.retrieveUnread(number, into: consumer)
            } else {
                try await client.retrieve(number, into: consumer)
            }
            return true
        }
        guard let spool else { throw StoreError.messageVanished(folder: "INBOX", uid: message.uid) }
        return spool
    }

    /// Spools what `read` streams; nil when `read` found no message.
    private func spool(
        _ message: MessageSummary, read: ((ByteBuffer) async throws -> Void) async throws -> Bool
    ) async throws -> SpoolFile? {
        let number = Int(message.uid)
        let expected = sizes[number] ?? Int(message.size)
        var spool: SpoolFile
        do {
            spool =
                try expected <= SpoolFile.inMemoryLimit ? SpoolFile(inMemory: expected) : SpoolFile(in: spoolDirectory)
        } catch {
            throw error.storeError
        }
        do {
            let spoolChunk = { (chunk: ByteBuffer) throws in
                try chunk.withUnsafeReadableBytes { bytes throws(SpoolError) in try spool.append(bytes) }
            }
            guard try await read({ try spoolChunk($0) }) else {
                spool.close()
                return nil
            }
            let listed = Int64(sizes[number] ?? Int(message.size))
            if spool.size == listed + 2, try spool.tail(2) == [0x0D, 0x0A] {
                try spool.truncate(to: listed)  // the CRLF RETR added to a message without a final line end
            }
        } catch {
            spool.close()
            throw POP3ErrorMapping.storeError(error, server: serverName)
        }
        return spool
    }

    func close() async {
        await client.quit()
    }

    /// UIDL once per session: a POP3 session sees the maildrop as it was at login.
    private func uniqueIDs() async throws -> [POP3UniqueID] {
        if let listing { return listing }
        do {
            let ids = try await client.uniqueIDs()
            listing = ids
            return ids
        } catch {
            throw folderError(error)
        }
    }

    private func requireInbox(_ folder: MailboxPath) throws {
        guard folder.isInbox else {
            throw StoreError.folderUnavailable(folder: folder.description, reason: "POP3 has only INBOX")
        }
    }

    private func folderError(_ error: any Error) -> StoreError {
        let mapped = POP3ErrorMapping.storeError(error, server: serverName)
        if case .messageRefused(let reason) = mapped { return .folderUnavailable(folder: "INBOX", reason: reason) }
        return mapped
    }

    /// FNV-1a over the sorted UIDLs: stable across runs and processes (unlike `Hasher`).
    static func digest(of uids: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for uid in uids.sorted() {
            for byte in uid.utf8 + [0x0A] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        return hash
    }
}
