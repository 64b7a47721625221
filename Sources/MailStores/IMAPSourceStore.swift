import IMAP
import MailferryCore
import NIOCore

/// Reads one mailbox over IMAP without changing anything: EXAMINE, STATUS, UID FETCH BODY.PEEK.
actor IMAPSourceStore: SourceStore {
    nonisolated let endpoints: UserPlan.Endpoints
    private let client: IMAPClient
    private let serverName: String
    private var directory = IMAPFolderDirectory()
    private var prefetched = IMAPStatusPrefetch()
    private var examined: String?

    init(client: IMAPClient, serverName: String, endpoints: UserPlan.Endpoints) {
        self.client = client
        self.serverName = serverName
        self.endpoints = endpoints
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

    func state(of folder: MailboxPath) async throws -> FolderState {
        let name = directory.serverName(of: folder)
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
        let name = directory.serverName(of: folder)
        do {
            examined = nil  // whatever happens next, the server no longer has the old mailbox selected
            let summaries = try await IMAPSummaries.examineAndList(
                client: client, mailbox: name, identified: identified, gmailAttributes: true)
            examined = name
            return summaries
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        let name = directory.serverName(of: folder)
        let stillSelected = examined == name
        examined = nil  // until the window is listed
        let part = try await IMAPSummaries.listWindow(
            client: client, mailbox: name, folder: folder, server: serverName, stillSelected: stillSelected,
            identified: identified, window: window, gmailAttributes: true)
        examined = name
        return part
    }

    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        guard messages.contains(where: \.identity.isUnread) else { return messages }
        let name = directory.serverName(of: folder)
        do {
            try await examine(name)
            return try await IMAPSummaries.identified(messages, client: client)
        } catch {
            throw IMAPErrorMapping.folderError(error, folder: folder, server: serverName)
        }
    }

    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath, _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result {
        let name = directory.serverName(of: folder)
        do {
            try await examine(name)
            let result = try await client.fetchBody(uid: message.uid) { stream in
                let chunks = stream.map { buffer in Array(buffer.readableBytesView) }
                return try await consume(
                    MessageBody(size: Int64(stream.byteCount), chunks: chunks, native: stream.messageSource))
            }
            guard let result else {
                throw StoreError.messageVanished(folder: folder.description, uid: message.uid)
            }
            return result
        } catch let error as StoreError {
            throw error
        } catch {
            throw IMAPErrorMapping.storeError(error, server: serverName)
        }
    }

    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        let name = directory.serverName(of: folder)
        do {
            try await examine(name)
            return try await IMAPBodyReader.withBodies(of: messages, client: client, consume)
        } catch let error as StoreError {
            throw error
        } catch {
            throw IMAPErrorMapping.storeError(error, server: serverName)
        }
    }

    private func examine(_ name: String) async throws {
        guard examined != name else { return }
        examined = nil  // a failed EXAMINE leaves no mailbox selected (RFC 3501 6.3.2)
        _ = try await client.examine(name)
        examined = name
    }

    func close() async {
        try? await client.logout()
    }
}
