import MailferryCore

/// `protocol: auto` with POP3 and IMAP both enabled: INBOX over POP3, every other folder over IMAP,
/// as the hosted migration tools do. IMAP's own INBOX is hidden so that INBOX is migrated once; its
/// subfolders (INBOX/Sub) still come over IMAP.
struct AutoSourceStore: SourceStore {
    let inbox: any SourceStore
    let others: any SourceStore

    var endpoints: UserPlan.Endpoints {
        UserPlan.Endpoints(inbox: inbox.endpoints.inbox, folders: others.endpoints.folders)
    }

    func folders() async throws -> [FolderInfo] {
        let listed = try await others.folders()
        // Keep IMAP's view of INBOX (subscription, special use): POP3 knows neither.
        var inboxInfo = try await inbox.folders().first { $0.path.isInbox } ?? FolderInfo(path: .inbox)
        if let imapInbox = listed.first(where: { $0.path.isInbox }) {
            inboxInfo.subscribed = imapInbox.subscribed
            inboxInfo.specialUse = imapInbox.specialUse
        }
        return [inboxInfo] + listed.filter { !$0.path.isInbox }
    }

    func state(of folder: MailboxPath) async throws -> FolderState {
        try await store(for: folder).state(of: folder)
    }

    func summaries(in folder: MailboxPath) async throws -> [MessageSummary] {
        try await store(for: folder).summaries(in: folder)
    }

    func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary] {
        try await store(for: folder).summaries(in: folder, identified: identified)
    }

    func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        try await store(for: folder).summaries(in: folder, identified: identified, window: window)
    }

    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        try await store(for: folder).identified(messages, in: folder)
    }

    func datesNeedHeaders(in folder: MailboxPath) -> Bool { store(for: folder).datesNeedHeaders(in: folder) }

    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath, _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result {
        try await store(for: folder).withBody(of: message, in: folder, consume)
    }

    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        try await store(for: folder).withBodies(of: messages, in: folder, consume)
    }

    func close() async {
        await inbox.close()
        await others.close()
    }

    private func store(for folder: MailboxPath) -> any SourceStore { folder.isInbox ? inbox : others }
}
