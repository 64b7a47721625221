import IMAP
import MailferryCore
import NIOCore

/// Reads one mailbox over IMAP without changing anything: EXAMINE, STATUS, UID FETCH BODY.PEEK.
actor IMAPSourceStore: SourceStore {
    nonisolated let endpoints: UserPlan.Endpoints
    private let client: IMAPClient
    private let serverName: String
    private var naming = IMAPFolderNaming(prefix: "", delimiter: "/")
    private var names: [MailboxPath: String] = [:]
    private var examined: String?

    init(client: IMAPClient, serverName: String, endpoints: UserPlan.Endpoints) {
        self.client = client
        self.serverName = serverName
        self.endpoints = endpoints
    }

    func folders() async throws -> [FolderInfo] {
        do {
            let list = try await client.listMailboxes()
            naming = try await IMAPFolderNaming.discover(client: client, list: list)
            var result: [FolderInfo] = []
            for entry in list where naming.isPersonal(entry) {
                let info = IMAPFolderNaming.folderInfo(entry, naming: naming)
                guard !info.path.components.isEmpty, names[info.path] == nil else { continue }
                names[info.path] = entry.name
                result.append(info)
            }
            return result
        } catch {
            throw IMAPErrorMapping.storeError(error, server: serverName)
        }
    }

    func state(of folder: MailboxPath) async throws -> FolderState {
        let name = serverName(of: folder)
        do {
            let status = try await client.status(name)
            return FolderState(
                uidValidity: status.uidValidity ?? 0, uidNext: status.uidNext ?? 0, messageCount: status.messages ?? 0,
                highestModSeq: status.highestModSeq)
        } catch {
            throw folderError(error, folder: folder)
        }
    }

    func summaries(in folder: MailboxPath) async throws -> [MessageSummary] {
        let name = serverName(of: folder)
        do {
            let selected = try await client.examine(name)
            examined = name
            guard selected.exists > 0 else { return [] }
            let validity = selected.uidValidity ?? 0
            return try await client.fetchMetadata(uids: 1...UInt32.max).map { metadata in
                IMAPSummaries.summary(metadata, uidValidity: validity)
            }
        } catch {
            throw folderError(error, folder: folder)
        }
    }

    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath, _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result {
        let name = serverName(of: folder)
        do {
            if examined != name {
                _ = try await client.examine(name)
                examined = name
            }
            let result = try await client.fetchBody(uid: message.uid) { stream in
                let chunks = stream.map { buffer in Array(buffer.readableBytesView) }
                return try await consume(MessageBody(size: Int64(stream.byteCount), chunks: chunks))
            }
            guard let result else {
                throw StoreError.messageRefused(reason: "message uid \(message.uid) vanished from the source folder")
            }
            return result
        } catch let error as StoreError {
            throw error
        } catch {
            throw IMAPErrorMapping.storeError(error, server: serverName)
        }
    }

    func close() async {
        try? await client.logout()
    }

    private func serverName(of folder: MailboxPath) -> String { names[folder] ?? naming.serverName(of: folder) }

    private func folderError(_ error: any Error, folder: MailboxPath) -> StoreError {
        let mapped = IMAPErrorMapping.storeError(error, server: serverName)
        if case .messageRefused(let reason) = mapped { return .folderUnavailable(folder: folder.description, reason: reason) }
        return mapped
    }
}
