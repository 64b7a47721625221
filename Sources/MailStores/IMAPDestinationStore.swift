import IMAP
import MailTransport
import MailferryCore
import NIOCore

/// Writes one mailbox over IMAP: CREATE, SUBSCRIBE, APPEND with flags and INTERNALDATE, UID STORE.
/// Never EXPUNGE, never DELETE.
actor IMAPDestinationStore: DestinationStore {
    nonisolated let acceptsKeywords = true
    private let client: IMAPClient
    private let serverName: String
    private var directory = IMAPFolderDirectory()
    private var prefetched = IMAPStatusPrefetch()
    private var selected: (name: String, writable: Bool)?
    /// The server refused to read or write an annotation: none is asked for the rest of the session.
    private var annotationsRefused = false

    init(client: IMAPClient, serverName: String) {
        self.client = client
        self.serverName = serverName
    }

    func folders() async throws -> [FolderInfo] {
        do {
            let (listed, folders) = try await IMAPFolderDirectory.list(client: client)
            directory = listed
            prefetched = await IMAPStatusPrefetch.fetch(
                client: client, mailboxes: folders.filter(\.selectable).compactMap { listed.listedName(of: $0.path) })
            return folders
        } catch {
            throw IMAPErrorMapping.storeError(error, server: serverName)
        }
    }

    func state(of folder: MailboxPath) async throws -> FolderState? {
        guard let name = directory.listedName(of: folder) else { return nil }
        if let state = prefetched.take(name) { return state }
        do {
            return try await IMAPSummaries.state(client: client, mailbox: name)
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func summaries(in folder: MailboxPath) async throws -> [MessageSummary] {
        try await summaries(in: folder, identified: true)
    }

    func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary] {
        guard let name = directory.listedName(of: folder) else { return [] }
        do {
            selected = nil  // whatever happens next, the server no longer has the old mailbox selected
            let summaries = try await IMAPSummaries.examineAndList(
                client: client, mailbox: name, identified: identified)
            selected = (name, false)
            return summaries
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        guard let name = directory.listedName(of: folder) else { return ([], nil) }
        let stillSelected = selected?.name == name
        selected = nil  // until the window is listed
        let part = try await IMAPSummaries.listWindow(
            client: client, mailbox: name, folder: folder, server: serverName, stillSelected: stillSelected,
            identified: identified, window: window)
        selected = (name, false)
        return part
    }

    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        guard messages.contains(where: \.identity.isUnread), let name = directory.listedName(of: folder) else {
            return messages
        }
        do {
            if selected?.name != name {
                selected = nil
                _ = try await client.examine(name)
                selected = (name, false)
            }
            return try await IMAPSummaries.identified(messages, client: client)
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func create(_ folder: MailboxPath) async throws {
        let conflicts = folder.componentsContaining(directory.naming.delimiter)
        guard conflicts.isEmpty else {
            let separator = directory.naming.delimiter.map(String.init) ?? ""
            throw StoreError.folderRefused(
                folder: folder.description,
                reason:
                    "the destination separates folder levels with \"\(separator)\", which \"\(conflicts.joined(separator: "\", \""))\" contains; add a folders.translate rule for it"
            )
        }
        let name = directory.naming.serverName(of: folder)
        do {
            try await client.create(name)
        } catch IMAPError.commandFailed(_, _, let text) where text.code == .alreadyExists {
            // Created meanwhile (or a \Noselect parent that LIST did not show): fine.
        } catch {
            let mapped = IMAPErrorMapping.storeError(error, server: serverName)
            if case .messageRefused(let reason) = mapped {
                throw StoreError.folderRefused(folder: folder.description, reason: reason)
            }
            throw mapped
        }
        directory.remember(folder, as: name)
    }

    func rename(_ folder: MailboxPath, to newName: MailboxPath) async throws {
        let name = directory.serverName(of: folder)
        let newServerName = directory.naming.serverName(of: newName)
        do {
            if selected?.name == name { selected = nil }  // select again under its new name
            try await client.rename(name, to: newServerName)
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
        directory.remember(newName, as: newServerName)
    }

    func subscribe(_ folder: MailboxPath) async throws {
        do {
            try await client.subscribe(directory.serverName(of: folder))
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func append(_ message: MessageSummary, body: MessageBody, to folder: MailboxPath) async throws -> UInt32? {
        try await appendLearning(message, body: body, to: folder).uid
    }

    /// One APPEND; a message listed without its header fields learns its identity from its bytes
    /// on the way (`HeaderBlockTap`), as in a MULTIAPPEND.
    private func appendLearning(
        _ message: MessageSummary, body: MessageBody, to folder: MailboxPath
    ) async throws -> AppendedMessage {
        let name = directory.serverName(of: folder)
        let tap = message.identity.isUnread ? HeaderBlockTap(size: message.size) : nil
        let appendBody = AppendBody(body, tap: tap)
        let uid: UInt32?
        do {
            uid = try await client.append(to: name, appendBody.appendMessage(for: message)).uids.first
        } catch {
            throw failure(error, bodyFailure: appendBody.failure.recorded)
        }
        var summary = message
        if let identity = tap?.identity { summary.identity = identity }
        return AppendedMessage(summary: summary, uid: uid)
    }

    /// One MULTIAPPEND per batch when the server offers it: Dovecot's cost per APPEND command is
    /// several times its cost per message inside one. Stored all at once when the server says OK.
    func appendBatch(
        _ messages: MessageBodies, to folder: MailboxPath, stored: @Sendable ([AppendedMessage]) async throws -> Void
    ) async throws {
        guard await client.hasCapability("MULTIAPPEND") else {
            // One APPEND per message (Gmail, Exchange), each reported as soon as it is stored.
            while let message = try await messages.next() {
                try await stored([try await appendLearning(message.summary, body: message.body, to: folder)])
            }
            return
        }
        let name = directory.serverName(of: folder)
        let feed = IMAPAppendFeed(messages)
        let appended: (count: Int, result: IMAPAppendResult)
        do {
            appended = try await client.appendStreaming(to: name) { try await feed.next() }
        } catch {
            throw await failure(error, bodyFailure: feed.bodyFailure)
        }
        let summaries = await feed.summaries(appended.count)
        let uids =
            appended.result.uids.count == summaries.count
            ? appended.result.uids.map { Optional($0) }
            : Array(repeating: nil, count: summaries.count)
        try await stored(zip(summaries, uids).map { AppendedMessage(summary: $0, uid: $1) })
    }

    /// The error to report for a failed APPEND. When the body's own connection failed, the APPEND was
    /// abandoned (its connection closed, so no partial message is stored): that error is rethrown,
    /// and the IMAP source store maps it to its own server. Other body failures (a POP3 source's
    /// local spool) keep the destination's mapping.
    private func failure(_ error: any Error, bodyFailure: (any Error)?) -> any Error {
        if let bodyFailure, bodyFailure is IMAPError || bodyFailure is TransportError || bodyFailure is StoreError {
            return bodyFailure
        }
        return IMAPErrorMapping.storeError(error, server: serverName)
    }

    func setFlags(_ flags: MessageFlags, ofUID uid: UInt32, in folder: MailboxPath) async throws {
        let name = directory.serverName(of: folder)
        do {
            if selected?.name != name || selected?.writable != true {
                selected = nil  // a failed SELECT leaves no mailbox selected (RFC 3501 6.3.1)
                _ = try await client.select(name)
                selected = (name, true)
            }
            try await client.storeFlags(uids: [uid], .replace, flags: flags.sorted)
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func delete(uids: [UInt32], in folder: MailboxPath) async throws -> Bool {
        guard !uids.isEmpty else { return true }
        let name = directory.serverName(of: folder)
        do {
            if selected?.name != name || selected?.writable != true {
                selected = nil
                _ = try await client.select(name)
                selected = (name, true)
            }
            try await client.storeFlags(uids: uids, .add, flags: ["\\Deleted"])
            guard await client.hasCapability("UIDPLUS") else { return false }
            try await client.uidExpunge(uids: uids)
            return true
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    /// Under the vendor prefix RFC 5464 reserves for a client's own entries.
    private static let annotationPrefix = "/private/vendor/vendor.mailferry/"

    func annotation(_ name: String, of folder: MailboxPath) async throws -> [UInt8]? {
        guard !annotationsRefused, await client.keepsMailboxMetadata, let mailbox = directory.listedName(of: folder)
        else { return nil }
        do {
            return try await client.metadata(Self.annotationPrefix + name, of: mailbox)
        } catch {
            if case .commandFailed = error { annotationsRefused = true }
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func setAnnotation(_ name: String, to value: [UInt8], of folder: MailboxPath) async throws -> Bool {
        guard !annotationsRefused, await client.keepsMailboxMetadata else { return false }
        do {
            try await client.setMetadata(Self.annotationPrefix + name, to: value, of: directory.serverName(of: folder))
            return true
        } catch {
            // A server that refuses one (a limit on entries, a store it cannot write) refuses the
            // others, and Dovecot then takes up to a minute for each: the first refusal is reported,
            // the rest of the session neither reads nor writes any.
            if case .commandFailed = error { annotationsRefused = true }
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    /// Read-only: EXAMINE (unless the folder is selected already) and BODY.PEEK, so nothing changes.
    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        guard let name = directory.listedName(of: folder) else { return try await consume(MessageBodies { nil }) }
        do {
            if selected?.name != name {
                selected = nil  // a failed EXAMINE leaves no mailbox selected (RFC 3501 6.3.2)
                _ = try await client.examine(name)
                selected = (name, false)
            }
            return try await IMAPBodyReader.withBodies(of: messages, client: client, consume)
        } catch let error as StoreError {
            throw error
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func close() async {
        try? await client.logout()
    }
}
