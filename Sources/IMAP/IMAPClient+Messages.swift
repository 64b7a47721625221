import NIOCore

extension IMAPClient {
    /// The header fields fetched with message metadata.
    public static let metadataHeaderFields = ["MESSAGE-ID", "DATE", "FROM", "SUBJECT"]

    /// `UID FETCH <uids> (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (…)])`, plus MODSEQ
    /// with CONDSTORE. `uids` may end at `UInt32.max` for `*`. Sorted by UID.
    public func fetchMetadata(
        uids: ClosedRange<UInt32>, headerFields: [String] = IMAPClient.metadataHeaderFields
    ) async throws(IMAPError) -> [IMAPMessageMetadata] {
        let listing = try await fetchMetadata(uids: uids, headerFields: headerFields) { $0 }
        var byUID = Dictionary(listing.items.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
        for (uid, flags) in listing.flagUpdates { byUID[uid]?.flags = flags }
        return byUID.values.sorted { $0.uid < $1.uid }
    }

    /// The same listing, each message handed to `transform` as its response arrives and only the
    /// result kept, so that a mailbox of 200,000 messages is never held as responses too.
    ///
    /// A message's first response with RFC822.SIZE is the solicited one; a response without it
    /// (an unsolicited flag change during the listing) is merged into it when it came first, and
    /// otherwise returned in `flagUpdates` (UID → the message's flags now) for the caller to apply.
    /// `items` are in the server's order, which `inUIDOrder` says is ascending UID (as servers send);
    /// `expected` (the mailbox's EXISTS) only reserves room for them.
    ///
    /// With `gmailAttributes`, a server that offers X-GM-EXT-1 is asked for `X-GM-MSGID` and
    /// `X-GM-LABELS` in the same FETCH.
    public func fetchMetadata<Item: Sendable>(
        uids: ClosedRange<UInt32>, headerFields: [String] = IMAPClient.metadataHeaderFields, expected: Int = 0,
        gmailAttributes: Bool = false, transform: @escaping @Sendable (IMAPMessageMetadata) -> Item
    ) async throws(IMAPError) -> (items: [Item], flagUpdates: [UInt32: [String]], inUIDOrder: Bool) {
        try await fetchMetadata(
            uidSet: IMAPUIDSet.render(uids), headerFields: headerFields, expected: expected,
            gmailAttributes: gmailAttributes, transform: transform)
    }

    /// The same for the messages with these UIDs only (sent as ranges where they run on): how a
    /// re-run reads the header fields of just the messages its state does not know.
    public func fetchMetadata<Item: Sendable>(
        uids: [UInt32], headerFields: [String] = IMAPClient.metadataHeaderFields,
        gmailAttributes: Bool = false, transform: @escaping @Sendable (IMAPMessageMetadata) -> Item
    ) async throws(IMAPError) -> (items: [Item], flagUpdates: [UInt32: [String]], inUIDOrder: Bool) {
        guard !uids.isEmpty else { return ([], [:], true) }
        return try await fetchMetadata(
            uidSet: IMAPUIDSet.render(uids), headerFields: headerFields, expected: uids.count,
            gmailAttributes: gmailAttributes, transform: transform)
    }

    private func fetchMetadata<Item: Sendable>(
        uidSet: String, headerFields: [String], expected: Int, gmailAttributes: Bool,
        transform: @escaping @Sendable (IMAPMessageMetadata) -> Item
    ) async throws(IMAPError) -> (items: [Item], flagUpdates: [UInt32: [String]], inUIDOrder: Bool) {
        var items = "UID FLAGS INTERNALDATE RFC822.SIZE"
        if hasCapability("CONDSTORE") { items += " MODSEQ" }
        if gmailAttributes, hasCapability("X-GM-EXT-1") { items += " X-GM-MSGID X-GM-LABELS" }
        if !headerFields.isEmpty {
            guard headerFields.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { GrammarCursor.isAtomChar($0) } }) else {
                throw .encoding(.invalidSyntax(headerFields.joined(separator: " ")))
            }
            items += " BODY.PEEK[HEADER.FIELDS (\(headerFields.joined(separator: " ")))]"
        }
        let command = IMAPCommand("UID FETCH", [.syntax("UID FETCH \(uidSet) (\(items))")])
        let collector = MetadataCollector(expected: expected, transform: transform)
        let pendingCommand = try await send(
            command, accepts: { if case .fetch = $0 { true } else { false } }, consume: collector.take)
        _ = try await complete(pendingCommand)
        return collector.finish()
    }

    /// `UID FETCH <uid> BODY.PEEK[]`, handing the body to `consume` as a stream: byte count up
    /// front, then chunks straight from the socket (never the whole message in memory).
    /// Whatever `consume` leaves unread is discarded before this returns.
    /// Returns `nil` when no message has that UID (any more).
    ///
    /// - Parameter timeout: deadline for the whole fetch; a breach is `IMAPError.timedOut(command:)`.
    public nonisolated func fetchBody<Result: Sendable>(
        uid: UInt32, timeout: TimeAmount? = nil,
        _ consume: (IMAPBodyStream) async throws -> Result
    ) async throws -> Result? {
        guard let stream = try await beginBody(uid: uid, timeout: timeout) else { return nil }
        do {
            let result = try await consume(stream)
            try await finishBody(stream.token)
            return result
        } catch {
            try? await finishBody(stream.token)
            throw error
        }
    }

    func beginBody(uid: UInt32, timeout: TimeAmount?) async throws(IMAPError) -> IMAPBodyStream? {
        let command = try await send(
            IMAPCommand("UID FETCH", [.syntax("UID FETCH \(uid) (UID BODY.PEEK[])")]), timeout: timeout,
            streamsBody: true
        ) { if case .fetch = $0 { true } else { false } }
        bodyCommands[command.tag] = command
        try await pump(for: command) { $0.bodyByteCount != nil || $0.completion != nil }
        guard let byteCount = command.bodyByteCount else {
            bodyCommands[command.tag] = nil
            _ = try await complete(command)
            return nil
        }
        return IMAPBodyStream(
            uid: uid, byteCount: byteCount, client: self, token: CommandToken(tag: command.tag), ordinal: 1)
    }

    /// `UID FETCH <uids> (UID BODY.PEEK[])` as one command: the bodies stream one after another, in
    /// the server's order (ascending UID in practice), and `consume` reads them through the batch.
    /// UIDs that no longer exist are simply not delivered. Whatever `consume` leaves unread is
    /// discarded before this returns.
    ///
    /// - Parameter timeout: deadline for the whole fetch.
    public nonisolated func fetchBodies<Result: Sendable>(
        uids: [UInt32], timeout: TimeAmount? = nil, _ consume: (IMAPBodyBatch) async throws -> Result
    ) async throws -> Result {
        let requested = uids.sorted()
        guard !uids.isEmpty else {
            return try await consume(IMAPBodyBatch(client: self, token: nil, requested: requested))
        }
        let token = try await beginBodies(uids: uids, timeout: timeout)
        do {
            let result = try await consume(IMAPBodyBatch(client: self, token: token, requested: requested))
            try await finishBody(token)
            return result
        } catch {
            try? await finishBody(token)
            throw error
        }
    }

    func beginBodies(uids: [UInt32], timeout: TimeAmount?) async throws(IMAPError) -> CommandToken {
        let command = try await send(
            IMAPCommand("UID FETCH", [.syntax("UID FETCH \(IMAPUIDSet.render(uids)) (UID BODY.PEEK[])")]),
            timeout: timeout, streamsBody: true
        ) { if case .fetch = $0 { true } else { false } }
        bodyCommands[command.tag] = command
        return CommandToken(tag: command.tag)
    }

    /// The body after body number `previous` of a multi-message fetch, draining whatever of the
    /// previous one was not read; `nil` once the command completed.
    func nextBody(
        _ token: CommandToken, after previous: Int, fallbackUID: UInt32
    ) async throws(IMAPError) -> IMAPBodyStream? {
        guard let command = bodyCommands[token.tag] else { return nil }
        try await pump(for: command) { $0.bodiesBegun > previous || $0.completion != nil }
        guard command.bodiesBegun > previous, let byteCount = command.bodyByteCount else {
            bodyCommands[token.tag] = nil
            do {
                _ = try await complete(command)
            } catch .commandFailed(_, .no, let text) where text.code == .other("EXPUNGEISSUED", nil) {
                // RFC 9051 7.1: some of the messages were expunged meanwhile; the rest were delivered.
            }
            return nil
        }
        return IMAPBodyStream(
            uid: command.bodyUID ?? fallbackUID, byteCount: byteCount, client: self, token: token,
            ordinal: command.bodiesBegun)
    }

    func nextBodyChunk(_ token: CommandToken, ordinal: Int) async throws(IMAPError) -> ByteBuffer? {
        guard let command = bodyCommands[token.tag] else { return nil }
        return try await nextBodyChunk(command, ordinal: ordinal)
    }

    func finishBody(_ token: CommandToken) async throws(IMAPError) {
        guard let command = bodyCommands.removeValue(forKey: token.tag) else { return }
        _ = try await complete(command)
    }

    /// `append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal`
    public func append(to mailbox: String, _ message: IMAPAppendMessage) async throws(IMAPError) -> IMAPAppendResult {
        try await append(to: mailbox, messages: [message])
    }

    /// Several messages in one APPEND (RFC 3502 MULTIAPPEND) when offered, else one APPEND each.
    /// Literals use LITERAL+ (RFC 7888) when offered, else wait for the server's continuation.
    public func append(to mailbox: String, messages: [IMAPAppendMessage]) async throws(IMAPError) -> IMAPAppendResult {
        guard !messages.isEmpty else { return IMAPAppendResult(uidValidity: nil, uids: []) }
        if messages.count > 1, !hasCapability("MULTIAPPEND") {
            var combined = IMAPAppendResult(uidValidity: nil, uids: [])
            for message in messages {
                let single = try await append(to: mailbox, messages: [message])
                combined.uidValidity = single.uidValidity ?? combined.uidValidity
                combined.uids += single.uids
            }
            return combined
        }
        var command = IMAPCommand("APPEND")
        command.syntax("APPEND ")
        command.mailbox(mailbox)
        for message in messages { try Self.appendMessage(message, to: &command) }
        let result = try await run(command, sources: messages.map(\.source))
        if case .appendUID(let validity, let uids) = result.tagged.text.code {
            return IMAPAppendResult(uidValidity: validity, uids: uids)
        }
        return IMAPAppendResult(uidValidity: nil, uids: [])
    }

    /// MULTIAPPEND (RFC 3502) of the messages `next` delivers, written as they come: each message's
    /// flags, date and literal go out when `next` returns it, so that bodies can stream from another
    /// session without being collected. With LITERAL+ nothing waits for the server until the end.
    /// Atomic on the server: either every message is stored or none.
    ///
    /// Returns how many messages were appended (0 when `next` delivered none: no command is sent)
    /// and the APPENDUID data. Requires the MULTIAPPEND capability.
    public func appendStreaming(
        to mailbox: String, next: @Sendable () async throws -> IMAPAppendMessage?
    ) async throws -> (count: Int, result: IMAPAppendResult) {
        guard hasCapability("MULTIAPPEND") else { throw IMAPError.protocolError("the server has no MULTIAPPEND") }
        guard let first = try await next() else { return (0, IMAPAppendResult(uidValidity: nil, uids: [])) }
        let (command, count) = try await writeStreamingAppend(to: mailbox, first: first, next: next)
        let result = try await complete(command)
        if case .appendUID(let validity, let uids) = result.tagged.text.code {
            return (count, IMAPAppendResult(uidValidity: validity, uids: uids))
        }
        return (count, IMAPAppendResult(uidValidity: nil, uids: []))
    }

    /// Writes the MULTIAPPEND while holding the writer; stops early when the server refuses a literal.
    private func writeStreamingAppend(
        to mailbox: String, first: IMAPAppendMessage, next: @Sendable () async throws -> IMAPAppendMessage?
    ) async throws -> (PendingCommand, Int) {
        try checkUsable()
        await acquireWriter()
        defer { releaseWriter() }
        try checkUsable()

        let tag = nextTag()
        let command = PendingCommand(
            tag: tag, name: "APPEND", deadline: configuration.commandTimeout.map { NIODeadline.now() + $0 },
            streamsBody: false, accepts: { _ in false })
        var message = first
        var count = 0
        pending.append(command)
        // A command cut off half-way cannot be taken back: any failure from here on ends the session,
        // and the server discards the unfinished APPEND with the connection.
        do {
            while true {
                var piece = IMAPCommand("APPEND")
                if count == 0 {
                    piece.syntax("APPEND ")
                    piece.mailbox(mailbox)
                }
                try Self.appendMessage(message, to: &piece)
                let encoded = try encode(piece, tag: count == 0 ? tag : nil, terminated: false)
                trace((count == 0 ? "C: " : "C: … ") + encoded.trace)
                var sources = [message.source][...]
                guard try await perform(encoded.steps, for: command, sources: &sources) else {
                    try await flushOutput()
                    return (command, count)  // refused before this literal: the tagged NO follows
                }
                count += 1
                let following: IMAPAppendMessage?
                do {
                    following = try await next()
                } catch {
                    throw IMAPError.protocolError("message source failed: \(error)")
                }
                guard let following else { break }
                message = following
            }
        } catch let error as IMAPError {
            throw fail(error)
        }
        try await bufferOutput(ByteBuffer(string: "\r\n"))
        try await flushOutput()
        configuration.commandSent?(command.name)
        return (command, count)
    }

    /// One message of an APPEND: `SP [flag-list SP] [date-time SP] literal` (RFC 3501, RFC 3502),
    /// the literal streamed from the message's source. The one place an APPEND's message is written.
    static func appendMessage(_ message: IMAPAppendMessage, to command: inout IMAPCommand) throws(IMAPError) {
        let flags = try settableFlags(message.flags)
        command.syntax(" (" + flags.joined(separator: " ") + ")")
        if let date = message.internalDate { command.syntax(" \"" + date.description + "\"") }
        command.space()
        command.parts.append(.streamedLiteral(byteCount: message.source.byteCount))
    }

    /// `store = "STORE" SP sequence-set SP store-att-flags` as UID STORE with `.SILENT`.
    public func storeFlags(uids: [UInt32], _ operation: IMAPStoreOperation, flags: [String]) async throws(IMAPError) {
        guard !uids.isEmpty else { return }
        let flags = try Self.settableFlags(flags)
        let text = "UID STORE \(IMAPUIDSet.render(uids)) \(operation.rawValue) (\(flags.joined(separator: " ")))"
        try await run(IMAPCommand("UID STORE", [.syntax(text)])) { if case .fetch = $0 { true } else { false } }
    }

    /// `UID EXPUNGE sequence-set` (RFC 4315): removes exactly these messages, which must already be
    /// marked `\Deleted`; other messages marked `\Deleted` stay. Needs `UIDPLUS`.
    public func uidExpunge(uids: [UInt32]) async throws(IMAPError) {
        guard !uids.isEmpty else { return }
        try await run(IMAPCommand("UID EXPUNGE", [.syntax("UID EXPUNGE \(IMAPUIDSet.render(uids))")])) {
            if case .expunge = $0 { true } else { false }
        }
    }

    /// Checks each flag's syntax and drops `\Recent`, which servers refuse in APPEND and STORE.
    static func settableFlags(_ flags: [String]) throws(IMAPError) -> [String] {
        for flag in flags where !isValidFlag(flag) { throw .encoding(.invalidSyntax(flag)) }
        return flags.filter { !$0.caseInsensitiveCompare("\\Recent") }
    }

    /// `flag = "\" atom / atom` with no characters that would break the list.
    static func isValidFlag(_ flag: String) -> Bool {
        var bytes = flag.utf8[...]
        if bytes.first == UInt8(ascii: "\\") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy { GrammarCursor.isAtomChar($0) }
    }
}
