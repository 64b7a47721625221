import Foundation
import Ledger
import MailferryCore
import Synchronization

/// Copies the messages a folder diff found missing, in batches: the source streams a batch's bodies
/// in one pipelined command and the destination stores them in one (IMAP MULTIAPPEND), so a mailbox
/// of small messages is not bound by round trips. Each batch is journalled as a whole: intents
/// before, commits as soon as the destination confirms. Two batches overlap: once the source has
/// delivered a batch's last body, the next batch is fetched (and written behind it) while the
/// destination still stores the first, so neither server waits for the other's answer.
struct MessageCopier {
    /// Bounds of one batch: enough messages to amortise a command, few enough bytes that a broken
    /// connection costs little to resend.
    static let maximumBatchMessages = 100
    static let maximumBatchBytes: Int64 = 8 * 1024 * 1024

    var context: UserRunContext

    private var sourceUser: String { context.sourceUser }
    private var ledger: Ledger { context.ledger }

    /// Copies `messages`, each with the flags `flags` makes of its own (applied batch by batch, so
    /// that a folder's list is never copied whole), and returns how many failed for good. Failures
    /// of the connection or the store are thrown; what was copied before stays counted in the context.
    func copy(
        _ messages: [MessageSummary], from folder: MailboxPath, to target: MailboxPath, source: any SourceStore,
        destination: any DestinationStore, flags: @escaping @Sendable (MessageFlags) -> MessageFlags = { $0 }
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: BatchOutcome.self) { group in
            var failed = 0
            var refused: [BatchOutcome] = []
            var running = 0
            for batch in Self.batches(of: messages) {
                if running == Self.batchesInFlight, let outcome = try await group.next() {
                    running -= 1
                    failed += outcome.failed
                    if !outcome.copyAlone.isEmpty { refused.append(outcome) }
                }
                if !refused.isEmpty {
                    // One by one only with nothing else in flight on either connection.
                    while let outcome = try await group.next() {
                        failed += outcome.failed
                        if !outcome.copyAlone.isEmpty { refused.append(outcome) }
                    }
                    running = 0
                    failed += try await copyRefused(
                        refused, from: folder, to: target, source: source, destination: destination)
                    refused = []
                }
                let delivery = BatchDelivery()
                let outgoing = batch.map { message in
                    var withFlags = message
                    withFlags.flags = flags(message.flags)
                    return withFlags
                }
                group.addTask {
                    try await copyBatch(
                        outgoing, from: folder, to: target, source: source, destination: destination,
                        delivery: delivery)
                }
                running += 1
                await delivery.wait()
            }
            while let outcome = try await group.next() {
                failed += outcome.failed
                if !outcome.copyAlone.isEmpty { refused.append(outcome) }
            }
            failed += try await copyRefused(refused, from: folder, to: target, source: source, destination: destination)
            return failed
        }
    }

    /// Batches at once: one whose APPEND awaits its answer, one being fetched and written.
    static let batchesInFlight = 2

    /// What one batch left to do: messages failed for good, and those of a refused batch that go
    /// again one APPEND each (after the batches in flight, never beside them).
    private struct BatchOutcome: Sendable {
        var failed = 0
        var copyAlone: [MessageSummary] = []
        var entries: [String: JournalEntryID] = [:]
    }

    private func copyRefused(
        _ outcomes: [BatchOutcome], from folder: MailboxPath, to target: MailboxPath, source: any SourceStore,
        destination: any DestinationStore
    ) async throws -> Int {
        var failed = 0
        for outcome in outcomes {
            for message in outcome.copyAlone {
                failed += try await copyAlone(
                    message, entry: outcome.entries[message.sourceKey], from: folder, to: target, source: source,
                    destination: destination)
            }
        }
        return failed
    }

    /// Consecutive runs of messages within both bounds; a message larger than the byte bound goes alone.
    static func batches(of messages: [MessageSummary]) -> [ArraySlice<MessageSummary>] {
        var batches: [ArraySlice<MessageSummary>] = []
        var start = messages.startIndex
        var bytes: Int64 = 0
        for index in messages.indices {
            let size = messages[index].size
            if index > start, index - start >= maximumBatchMessages || bytes + size > maximumBatchBytes {
                batches.append(messages[start..<index])
                start = index
                bytes = 0
            }
            bytes += size
        }
        if start < messages.endIndex { batches.append(messages[start...]) }
        return batches
    }

    private func copyBatch(
        _ batch: [MessageSummary], from folder: MailboxPath, to target: MailboxPath, source: any SourceStore,
        destination: any DestinationStore, delivery: BatchDelivery
    ) async throws -> BatchOutcome {
        defer { delivery.fire() }  // also when the batch failed before its last body
        let entryList = try ledger.recordIntents(
            sourceUser: sourceUser, sourceFolder: folder, messages: batch.map { ($0.sourceKey, $0.identity) },
            destinationFolder: target)
        let entries = Dictionary(zip(batch.map(\.sourceKey), entryList), uniquingKeysWith: { first, _ in first })
        let stored = StoredMessages()
        let ledger = ledger
        let observer = context.observer
        let user = sourceUser
        let pair = context.pair
        do {
            try await source.withBodies(of: batch, in: folder) { bodies in
                let delivered = MessageBodies {
                    let message = try await bodies.next()
                    if message == nil { delivery.fire() }
                    return message
                }
                try await destination.appendBatch(delivered, to: target) { appended in
                    try ledger.commit(
                        appended.compactMap { entries[$0.summary.sourceKey] },
                        baseline: appended.map { Self.baseline(of: $0, from: folder, to: target) }, for: pair)
                    stored.add(appended)
                    for message in appended {
                        observer.handle(.messageCopied(sourceUser: user, bytes: message.summary.size))
                    }
                }
            }
        } catch let error as StoreError where error.isMessageRefusal {
            account(stored.messages, from: folder, to: target)
            if batch.count == 1, let message = batch.first {
                if let entry = entries[message.sourceKey] { try ledger.closeIntents([entry]) }
                noteFailure(message, in: folder, error: error)
                return BatchOutcome(failed: 1)
            }
            // Refused as a whole (one message too large, say): each message not stored yet goes again
            // on its own, so that only the refused one fails.
            context.write("batch of \(batch.count) in \(folder) refused (\(error.userMessage)); copying one by one")
            let done = Set(stored.messages.map(\.summary.sourceKey))
            return BatchOutcome(copyAlone: batch.filter { !done.contains($0.sourceKey) }, entries: entries)
        } catch {
            account(stored.messages, from: folder, to: target)
            throw error
        }
        account(stored.messages, from: folder, to: target)
        // What the source did not deliver was expunged there since the survey.
        let done = Set(stored.messages.map(\.summary.sourceKey))
        var failed = 0
        for message in batch where !done.contains(message.sourceKey) {
            if let entry = entries[message.sourceKey] { try ledger.closeIntents([entry]) }
            noteFailure(message, in: folder, error: .messageVanished(folder: folder.description, uid: message.uid))
            failed += 1
        }
        return BatchOutcome(failed: failed)
    }

    /// One message in its own APPEND, under the batch's journal entry. Returns 1 if it was refused.
    private func copyAlone(
        _ message: MessageSummary, entry: JournalEntryID?, from folder: MailboxPath, to target: MailboxPath,
        source: any SourceStore, destination: any DestinationStore
    ) async throws -> Int {
        do {
            // Through `withBodies`, which hands over the summary as delivered: a source that lists
            // without headers (POP3) completes the identity and date from the message itself.
            let appended = try await source.withBodies(of: [message], in: folder) { bodies in
                guard let delivered = try await bodies.next() else {
                    throw StoreError.messageVanished(folder: folder.description, uid: message.uid)
                }
                let newUID = try await destination.append(delivered.summary, body: delivered.body, to: target)
                return AppendedMessage(summary: delivered.summary, uid: newUID)
            }
            try ledger.commit(
                entry.map { [$0] } ?? [],
                baseline: [Self.baseline(of: appended, from: folder, to: target)], for: context.pair)
            context.observer.handle(.messageCopied(sourceUser: sourceUser, bytes: message.size))
            account([appended], from: folder, to: target)
            return 0
        } catch let error as StoreError {
            guard error.isMessageRefusal else { throw error }
            if let entry { try ledger.closeIntents([entry]) }
            noteFailure(message, in: folder, error: error)
            return 1
        }
    }

    /// A copied message's baseline: both sides have the flags it was appended with.
    static func baseline(of message: AppendedMessage, from folder: MailboxPath, to target: MailboxPath) -> BaselineEntry
    {
        BaselineEntry(
            sourceFolder: folder, key: message.summary.compactSourceKey, identity: message.summary.identity,
            destinationFolder: target, destinationUID: message.uid, sourceFlags: message.summary.flags,
            destinationFlags: message.summary.flags)
    }

    private func account(_ messages: [AppendedMessage], from folder: MailboxPath, to target: MailboxPath) {
        let from = folder.description
        let to = target.description
        var lines: [String] = []
        lines.reserveCapacity(messages.count)
        for message in messages {
            lines.append("copied \(from) uid \(message.summary.uid) -> \(to) (\(message.summary.size) bytes)")
        }
        let bytes = messages.reduce(Int64(0)) { $0 + $1.summary.size }
        context.update { tally in
            tally.counts.messagesCopied += messages.count
            tally.counts.bytesCopied += bytes
        }
        context.log.write(lines: lines, at: Date())
    }

    private func noteFailure(_ message: MessageSummary, in folder: MailboxPath, error: StoreError) {
        context.update { tally in
            tally.counts.messagesFailed += 1
            tally.lastError = error.userMessage
        }
        context.write("failed \(folder) uid \(message.uid): \(error.userMessage)")
    }
}

extension StoreError {
    /// One message failed for good (refused, or gone from the source); the others go on.
    var isMessageRefusal: Bool {
        switch self {
        case .messageRefused, .messageVanished: true
        default: false
        }
    }
}

/// What a batch's destination has confirmed so far; filled from the store's callback.
private final class StoredMessages: Sendable {
    private let list = Mutex<[AppendedMessage]>([])

    func add(_ messages: [AppendedMessage]) { list.withLock { $0 += messages } }

    var messages: [AppendedMessage] { list.withLock { $0 } }
}
