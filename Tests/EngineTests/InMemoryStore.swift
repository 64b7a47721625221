import Foundation
import MailferryCore
import Synchronization

/// A store held in memory, for engine unit tests only (integration tests use real Dovecot servers).
/// It can serve as source or destination and inject failures.
final class InMemoryStore: SourceStore, DestinationStore, @unchecked Sendable {
    struct Stored {
        var uid: UInt32
        var bytes: [UInt8]
        var flags: MessageFlags
        var date: InternalDate
    }

    private let lock = NSLock()
    private var boxes: [MailboxPath: [Stored]] = [:]
    private var uidNext: [MailboxPath: UInt32] = [:]
    private(set) var subscribed: Set<MailboxPath> = []
    private(set) var appendCount = 0
    var acceptsKeywords = true
    /// Changing it renumbers the store as a server does after a new UIDVALIDITY: new source keys.
    var uidValidity: UInt32 = 7
    /// Fail the Nth append (1-based) with this error, once.
    var failAppend: (number: Int, error: StoreError)?
    /// Refuse every append of a message whose bytes contain this text, as a server refuses one too large.
    var refuseMessagesContaining: String?
    /// Store a batch all or nothing, as IMAP MULTIAPPEND does; otherwise one append per message.
    var atomicBatches = false
    private(set) var batchCount = 0
    /// Keep annotations (as an IMAP server with METADATA does), or fail to write them with this error.
    var keepsAnnotations = false
    var failAnnotations: StoreError?
    private(set) var annotations: [String: [UInt8]] = [:]
    var endpoints: UserPlan.Endpoints { UserPlan.Endpoints(inbox: "memory", folders: "memory") }

    init(folders: [String] = ["INBOX"]) {
        for folder in folders { boxes[MailboxPath(folder)] = [] }
    }

    func add(_ text: String, to folder: String, flags: [String] = [], seconds: Int64 = 1_700_000_000) {
        lock.withLock {
            let path = MailboxPath(folder)
            let uid = uidNext[path, default: 1]
            uidNext[path] = uid + 1
            boxes[path, default: []].append(
                Stored(
                    uid: uid, bytes: Array(text.utf8), flags: MessageFlags(flags),
                    date: InternalDate(secondsSince1970: seconds)))
        }
    }

    func contents(of folder: String) -> [Stored] { lock.withLock { boxes[MailboxPath(folder)] ?? [] } }

    func folders() async throws -> [FolderInfo] {
        lock.withLock { boxes.keys.sorted().map { FolderInfo(path: $0, subscribed: subscribed.contains($0)) } }
    }

    func state(of folder: MailboxPath) async throws -> FolderState {
        lock.withLock {
            FolderState(
                uidValidity: uidValidity, uidNext: uidNext[folder, default: 1], messageCount: boxes[folder]?.count ?? 0)
        }
    }

    func state(of folder: MailboxPath) async throws -> FolderState? {
        lock.withLock {
            guard boxes[folder] != nil else { return nil }
            return FolderState(
                uidValidity: uidValidity, uidNext: uidNext[folder, default: 1], messageCount: boxes[folder]?.count ?? 0)
        }
    }

    func summaries(in folder: MailboxPath) async throws -> [MessageSummary] {
        lock.withLock {
            (boxes[folder] ?? []).map { stored in
                let header = stored.bytes.prefix { _ in true }
                return MessageSummary(
                    uid: stored.uid, sourceKey: "\(uidValidity):\(stored.uid)", size: Int64(stored.bytes.count),
                    internalDate: stored.date, flags: stored.flags,
                    identity: MessageIdentity(headers: Array(header), size: Int64(stored.bytes.count)))
            }
        }
    }

    /// Every listing asked of this store as a source, with whether identities were wanted.
    private(set) var listings: [(folder: MailboxPath, identified: Bool)] = []

    func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary] {
        lock.withLock { listings.append((folder, identified)) }
        let all = try await summaries(in: folder)
        guard !identified else { return all }
        return all.map { summary in
            var unread = summary
            unread.identity = .unread(size: summary.size)
            return unread
        }
    }

    /// Every `identified(_:in:)` asked of this store: the folder and the UIDs whose headers were read.
    private(set) var identifications: [(folder: MailboxPath, uids: [UInt32])] = []

    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        let unread = messages.filter(\.identity.isUnread).map(\.uid)
        lock.withLock { identifications.append((folder, unread)) }
        return MessageSummary.completing(messages, from: try await summaries(in: folder))
    }

    /// Windows of `window.size` messages, as a store that lists part of a folder does.
    func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        let rest = try await summaries(in: folder, identified: identified).filter { $0.uid >= window.first }
        let part = Array(rest.prefix(window.size))
        guard rest.count > part.count, let last = part.last else { return (part, nil) }
        return (part, ListingWindow(first: last.uid + 1, size: window.size))
    }

    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath, _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result {
        let bytes = lock.withLock { boxes[folder]?.first { $0.uid == message.uid }?.bytes ?? [] }
        let chunks = AsyncThrowingStream<[UInt8], any Error> { continuation in
            var index = 0
            while index < bytes.count {
                continuation.yield(Array(bytes[index..<min(index + 7, bytes.count)]))
                index += 7
            }
            continuation.finish()
        }
        return try await consume(MessageBody(size: Int64(bytes.count), chunks: chunks))
    }

    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        // Like a server: messages no longer there are left out.
        let present = lock.withLock { Set((boxes[folder] ?? []).map(\.uid)) }
        let queue = Mutex(messages.filter { present.contains($0.uid) }[...])
        return try await consume(
            MessageBodies { [self] in
                guard let message = queue.withLock({ $0.popFirst() }) else { return nil }
                return try await withBody(of: message, in: folder) { body in
                    var bytes: [UInt8] = []
                    for try await chunk in body.chunks { bytes += chunk }
                    let collected = bytes
                    return SourceMessage(
                        summary: message,
                        body: MessageBody(
                            size: Int64(collected.count),
                            chunks: AsyncThrowingStream { continuation in
                                continuation.yield(collected)
                                continuation.finish()
                            }))
                }
            })
    }

    func create(_ folder: MailboxPath) async throws {
        lock.withLock { if boxes[folder] == nil { boxes[folder] = [] } }
    }

    func subscribe(_ folder: MailboxPath) async throws {
        _ = lock.withLock { subscribed.insert(folder) }
    }

    func append(_ message: MessageSummary, body: MessageBody, to folder: MailboxPath) async throws -> UInt32? {
        var bytes: [UInt8] = []
        for try await chunk in body.chunks { bytes += chunk }
        let collected = bytes
        return try lock.withLock { try store(message, bytes: collected, in: folder) }
    }

    func appendBatch(
        _ messages: MessageBodies, to folder: MailboxPath, stored: @Sendable ([AppendedMessage]) async throws -> Void
    ) async throws {
        guard atomicBatches else { return try await appendOneByOne(messages, to: folder, stored: stored) }
        var collected: [(MessageSummary, [UInt8])] = []
        while let message = try await messages.next() {
            var bytes: [UInt8] = []
            for try await chunk in message.body.chunks { bytes += chunk }
            collected.append((message.summary, bytes))
        }
        let batch = collected
        let appended = try lock.withLock {
            batchCount += 1
            let snapshot = (boxes, uidNext, appendCount)
            do {
                return try batch.map { AppendedMessage(summary: $0.0, uid: try store($0.0, bytes: $0.1, in: folder)) }
            } catch {
                (boxes, uidNext, appendCount) = snapshot  // all or nothing
                throw error
            }
        }
        try await stored(appended)
    }

    /// Stores one message; the caller holds the lock.
    private func store(_ message: MessageSummary, bytes: [UInt8], in folder: MailboxPath) throws -> UInt32 {
        appendCount += 1
        if let failure = failAppend, failure.number == appendCount {
            failAppend = nil
            throw failure.error
        }
        if let text = refuseMessagesContaining, String(decoding: bytes, as: UTF8.self).contains(text) {
            throw StoreError.messageRefused(reason: "message too large")
        }
        let uid = uidNext[folder, default: 1]
        uidNext[folder] = uid + 1
        let flags = acceptsKeywords ? message.flags : message.flags.withoutKeywords
        boxes[folder, default: []].append(Stored(uid: uid, bytes: bytes, flags: flags, date: message.internalDate))
        return uid
    }

    func setFlags(_ flags: MessageFlags, ofUID uid: UInt32, in folder: MailboxPath) async throws {
        lock.withLock {
            guard let index = boxes[folder]?.firstIndex(where: { $0.uid == uid }) else { return }
            boxes[folder]?[index].flags = flags
        }
    }

    func rename(_ folder: MailboxPath, to newName: MailboxPath) async throws {
        lock.withLock {
            boxes[newName] = boxes.removeValue(forKey: folder)
            uidNext[newName] = uidNext.removeValue(forKey: folder)
        }
    }

    func delete(uids: [UInt32], in folder: MailboxPath) async throws -> Bool {
        lock.withLock { boxes[folder]?.removeAll { uids.contains($0.uid) } }
        return true
    }

    func annotation(_ name: String, of folder: MailboxPath) async throws -> [UInt8]? {
        lock.withLock { keepsAnnotations ? annotations["\(folder)|\(name)"] : nil }
    }

    func setAnnotation(_ name: String, to value: [UInt8], of folder: MailboxPath) async throws -> Bool {
        if let failAnnotations { throw failAnnotations }
        return lock.withLock {
            guard keepsAnnotations else { return false }
            annotations["\(folder)|\(name)"] = value
            return true
        }
    }

    func close() async {}
}
