import Foundation
import Ledger
import MailferryCore
import Testing

@testable import Engine

@Suite struct MessageCopierTests {
    let account = Account(
        sourceUser: "carol", sourcePassword: Secret("pw"), localUser: "carol", localPassword: nil,
        destinationUser: "carol@new.example", line: 1)

    func summary(uid: UInt32, size: Int64) -> MessageSummary {
        MessageSummary(
            uid: uid, sourceKey: "1:\(uid)", size: size, internalDate: InternalDate(secondsSince1970: 0), flags: .none,
            identity: MessageIdentity(headers: Array("Message-ID: <\(uid)@x>\r\n".utf8), size: size))
    }

    /// One run; a fresh state directory unless `ledger` is given.
    func migrate(
        _ source: any SourceStore, _ destination: InMemoryStore, ledger existing: Ledger? = nil
    ) async throws -> (UserOutcome, Ledger) {
        let ledger = try existing ?? Ledger.open(directory: NSTemporaryDirectory() + "mf-copier-\(UUID().uuidString)")
        let migration = UserMigration(
            account: account, rules: FolderRules(), options: MigrationOptions(), ledger: ledger,
            connector: StoreConnector(openSource: { source }, openDestination: { destination }),
            retryDelay: .milliseconds(1))
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        return (await migration.run(in: run), ledger)
    }

    func source(messages count: Int, in folder: String = "INBOX") -> InMemoryStore {
        let source = InMemoryStore(folders: [folder])
        for number in 1...count {
            source.add("Message-ID: <\(number)@x>\r\nSubject: \(number)\r\n\r\nbody \(number)\r\n", to: folder)
        }
        return source
    }

    @Test func batchesAreBoundedByCountAndBytes() {
        let small = (1...250).map { summary(uid: UInt32($0), size: 4_000) }
        #expect(MessageCopier.batches(of: small).map(\.count) == [100, 100, 50])

        let mebibyte: Int64 = 1024 * 1024
        let large = [3, 3, 3, 20, 1, 1].enumerated().map {
            summary(uid: UInt32($0.offset + 1), size: Int64($0.element) * mebibyte)
        }
        // 3+3 fit in 8 MiB, a third 3 would not; 20 MiB goes alone; 1+1 share one.
        #expect(MessageCopier.batches(of: large).map(\.count) == [2, 1, 1, 2])
        #expect(MessageCopier.batches(of: []).isEmpty)
    }

    @Test func aBatchOfManyMessagesIsOneAtomicAppend() async throws {
        let source = source(messages: 250)
        let destination = InMemoryStore()
        destination.atomicBatches = true
        let (outcome, ledger) = try await migrate(source, destination)
        #expect(outcome.state == .done)
        #expect(outcome.counts.messagesCopied == 250)
        #expect(destination.batchCount == 3)
        #expect(destination.contents(of: "INBOX").map(\.bytes) == source.contents(of: "INBOX").map(\.bytes))
        #expect(try ledger.copiedCount(sourceUser: "carol") == 250)
        #expect(try ledger.pendingIntents(sourceUser: "carol").isEmpty)
    }

    @Test func aRefusedBatchFallsBackToSingleAppendsSoOnlyTheBadMessageFails() async throws {
        let source = source(messages: 5)
        let destination = InMemoryStore()
        destination.atomicBatches = true
        destination.refuseMessagesContaining = "Subject: 3\r\n"
        let (outcome, ledger) = try await migrate(source, destination)
        #expect(outcome.state == .partial)
        #expect(outcome.counts.messagesCopied == 4)
        #expect(outcome.counts.messagesFailed == 1)
        let copied = destination.contents(of: "INBOX").map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(copied.count == 4)
        #expect(!copied.contains { $0.contains("Subject: 3\r\n") })
        #expect(try ledger.pendingIntents(sourceUser: "carol").isEmpty)

        // The next run tries the refused one again and copies nothing twice.
        let (again, _) = try await migrate(source, destination)
        #expect(again.counts.messagesCopied == 0)
        #expect(again.counts.messagesFailed == 1)
        #expect(destination.contents(of: "INBOX").count == 4)
    }

    @Test func aBatchCutOffIsRetriedWholeWithoutDuplicates() async throws {
        let source = source(messages: 30)
        let destination = InMemoryStore()
        destination.atomicBatches = true
        destination.failAppend = (17, .interrupted(server: "dest", reason: "socket disconnected"))
        let (outcome, _) = try await migrate(source, destination)
        #expect(outcome.state == .done)
        #expect(outcome.counts.messagesCopied == 30)
        #expect(destination.contents(of: "INBOX").map(\.bytes) == source.contents(of: "INBOX").map(\.bytes))
    }

    @Test func anEmptyDestinationFolderGetsTheSourceListedWithoutIdentitiesAndLaterRunsCompare() async throws {
        let source = source(messages: 12)
        source.add("Message-ID: <1@x>\r\nSubject: 1\r\n\r\nbody 1\r\n", to: "INBOX")  // a genuine duplicate
        let destination = InMemoryStore()
        let (first, ledger) = try await migrate(source, destination)
        #expect(first.counts.messagesCopied == 13)
        #expect(source.listings.map(\.identified) == [false])
        #expect(destination.contents(of: "INBOX").map(\.bytes) == source.contents(of: "INBOX").map(\.bytes))

        // The destination now holds messages: the source is listed, the identities the state lacks
        // (all of them, after a first copy) are read, and both sides are compared.
        source.add("Message-ID: <new@x>\r\n\r\nnew\r\n", to: "INBOX")
        let (second, _) = try await migrate(source, destination, ledger: ledger)
        #expect(source.listings.map(\.identified) == [false, false])
        #expect(source.identifications.flatMap(\.uids).sorted() == Array(1...14))
        #expect(second.counts.messagesCopied == 1)
        #expect(second.counts.messagesPresent == 13)
        #expect(destination.contents(of: "INBOX").count == 14)
    }

    @Test func aFirstCopyGoesWindowByWindowAndCopiesEveryMessageOnce() async throws {
        let source = source(messages: 23)
        let destination = InMemoryStore()
        let ledger = try Ledger.open(directory: NSTemporaryDirectory() + "mf-copier-\(UUID().uuidString)")
        var migration = UserMigration(
            account: account, rules: FolderRules(), options: MigrationOptions(), ledger: ledger,
            connector: StoreConnector(openSource: { source }, openDestination: { destination }),
            retryDelay: .milliseconds(1))
        migration.listingWindow = 5
        let outcome = await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
        #expect(outcome.state == .done)
        #expect(outcome.counts.messagesCopied == 23)
        // Larger than one window: 5 windows counted, then listed again and copied one by one.
        #expect(source.listings.map(\.identified) == Array(repeating: false, count: 10))
        #expect(destination.contents(of: "INBOX").map(\.bytes) == source.contents(of: "INBOX").map(\.bytes))

        let again = await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
        #expect(again.counts.messagesCopied == 0)
        #expect(again.counts.messagesPresent == 23)
    }

    @Test func aMessageThatVanishedFromTheSourceIsCountedAsFailedAndTheRestIsCopied() async throws {
        let inner = source(messages: 6)
        let destination = InMemoryStore()
        destination.atomicBatches = true
        let (outcome, ledger) = try await migrate(VanishingSource(inner: inner, vanishingUID: 4), destination)
        #expect(outcome.state == .partial)
        #expect(outcome.counts.messagesCopied == 5)
        #expect(outcome.counts.messagesFailed == 1)
        #expect(outcome.lastError?.contains("vanished") == true)
        #expect(try ledger.pendingIntents(sourceUser: "carol").isEmpty)
        let log = try String(contentsOfFile: ledger.log(sourceUser: "carol").path, encoding: .utf8)
        #expect(
            log.contains(
                "failed INBOX uid 4: message vanished from the source: uid 4 was expunged from \"INBOX\" after the survey"
            ))
    }
}

/// A source on which one message is expunged between the survey and the copy.
private struct VanishingSource: SourceStore {
    let inner: InMemoryStore
    let vanishingUID: UInt32

    var endpoints: UserPlan.Endpoints { inner.endpoints }
    func folders() async throws -> [FolderInfo] { try await inner.folders() }
    func state(of folder: MailboxPath) async throws -> FolderState { try await inner.state(of: folder) }
    func summaries(in folder: MailboxPath) async throws -> [MessageSummary] { try await inner.summaries(in: folder) }
    func withBody<Result: Sendable>(
        of message: MessageSummary, in folder: MailboxPath, _ consume: @Sendable (MessageBody) async throws -> Result
    ) async throws -> Result {
        guard message.uid != vanishingUID else {
            throw StoreError.messageVanished(folder: folder.description, uid: message.uid)
        }
        return try await inner.withBody(of: message, in: folder, consume)
    }
    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        try await inner.withBodies(of: messages.filter { $0.uid != vanishingUID }, in: folder, consume)
    }
    func close() async {}
}
