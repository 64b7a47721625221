import Foundation
import MailStores
import MailferryCore
import Synchronization

/// A testing aid for crash-resume tests: `MAILFERRY_TEST_KILL_AT_APPEND=N:after` makes the process
/// SIGKILL itself right after the destination confirmed the Nth message appended in the run (with
/// its batch), before the journal commit (for a Maildir destination: the file renamed into place,
/// not yet committed); `N:during` (IMAP destinations) kills it once half of the Nth message's
/// literal was handed to the kernel, so that the server holds an APPEND cut mid-literal; `N:sent`
/// once the last byte of the APPEND (or MULTIAPPEND) carrying the Nth message went out, before its
/// response is read, so that the server stores the command after the process is gone.
/// `MAILFERRY_TEST_KILL_AT=PHASE:N` kills it in another phase: `fetch` halfway through the Nth
/// message body read from the source, `create`/`subscribe` right after the destination confirmed
/// the Nth CREATE/SUBSCRIBE, `store` right after the Nth flag update, `commit` right after the Nth
/// batch of appended messages was committed to the journal. Each kill first writes
/// `mailferry-test-kill: PHASE N` (or `append MOMENT`) to stderr, so a test knows where it landed.
/// Kills land at exact steps instead of at times that a loaded machine makes random.
/// Unset (always, outside tests), stores are used as they are.
struct CrashInjection: Sendable {
    enum Moment: String, Sendable {
        case after
        case during
        case sent
    }

    enum Phase: String, Sendable {
        case fetch
        case create
        case subscribe
        case store
        case commit
    }

    static let variable = "MAILFERRY_TEST_KILL_AT_APPEND"
    static let phaseVariable = "MAILFERRY_TEST_KILL_AT"

    /// 0: no APPEND kill.
    let appendNumber: Int
    let moment: Moment
    let phase: Phase?
    let phaseNumber: Int
    private let appends = AppendCounter()
    private let phaseEvents = AppendCounter()
    /// Users whose chosen message is inside the APPEND being written (`sent`).
    private let armed = ArmedUsers()
    /// Users whose chosen message's literal is being written, with its size (`during`).
    private let armedLiterals = ArmedUsers()

    init?(environment: [String: String]) {
        let appendParts = environment[Self.variable]?.split(separator: ":") ?? []
        let number = appendParts.first.flatMap { Int($0) } ?? 0
        appendNumber = max(0, number)
        moment = appendParts.count > 1 ? Moment(rawValue: String(appendParts[1])) ?? .after : .after
        let phaseParts = environment[Self.phaseVariable]?.split(separator: ":") ?? []
        let chosenPhase = phaseParts.first.flatMap { Phase(rawValue: String($0)) }
        let chosenNumber = phaseParts.count > 1 ? Int(phaseParts[1]) ?? 0 : 0
        phase = chosenNumber > 0 ? chosenPhase : nil
        phaseNumber = chosenNumber
        guard appendNumber > 0 || phase != nil else { return nil }
    }

    /// Counts one event of `phase`; at the chosen one, reports it on stderr and dies.
    func reached(_ event: Phase) {
        guard event == phase, phaseEvents.next() == phaseNumber else { return }
        Self.die(marker: "\(event.rawValue) \(phaseNumber)")
    }

    /// The body of a message read from the source; the chosen one kills the process halfway through.
    func watched(_ body: MessageBody) -> MessageBody {
        guard phase == .fetch, phaseEvents.next() == phaseNumber else { return body }
        // Without `native`, the destination reads the counted chunks.
        return MessageBody(
            size: body.size,
            chunks: KillSwitchDestinationStore.dying(body.chunks, after: max(1, body.size / 2)) {
                Self.die(marker: "fetch \(phaseNumber)")
            })
    }

    /// Writes `mailferry-test-kill: MARKER` to stderr (unbuffered), then SIGKILLs the process.
    static func die(marker: String) {
        let line = Array("mailferry-test-kill: \(marker)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        kill(getpid(), SIGKILL)
    }

    /// The same connector, with stores that die at the chosen step.
    func wrap(_ connector: StoreConnector, sourceUser: String) -> StoreConnector {
        StoreConnector(
            openSource: { [self] in
                let source = try await connector.openSource()
                return phase == .fetch ? KillSwitchSourceStore(inner: source, injection: self) : source
            },
            openDestination: { [self] in
                KillSwitchDestinationStore(
                    inner: try await connector.openDestination(), injection: self, sourceUser: sourceUser)
            },
            affinity: connector.affinity)
    }

    /// For `StoreFactory`: kills once the armed user's APPEND is fully sent (`sent`), or once half of
    /// the armed user's chosen literal reached the kernel (`during`; the body is split there, so
    /// that exactly half goes out).
    var wireObserver: DestinationWireObserver {
        DestinationWireObserver(
            commandSent: { [armed] user, command in
                if command == "APPEND", armed.contains(user) { CrashInjection.die(marker: "append sent") }
            },
            literalBytesSent: { [armedLiterals] user, sent, total in
                guard let size = armedLiterals.literalSize(of: user), size == Int64(total),
                    Int64(sent) >= Self.half(of: size), sent < total
                else { return }
                CrashInjection.die(marker: "append during")
            })
    }

    func arm(_ sourceUser: String) { armed.insert(sourceUser) }

    /// Arms a `during` kill on the user's connection and returns the body split at its half.
    func armLiteral(_ body: MessageBody, of sourceUser: String) -> MessageBody {
        armedLiterals.insert(sourceUser, literalSize: body.size)
        return MessageBody(size: body.size, chunks: SplitChunks(base: body.chunks, offset: Self.half(of: body.size)))
    }

    static func half(of size: Int64) -> Int64 { max(1, size / 2) }

    /// Source users, each with the size of its chosen literal (0 where none applies).
    final class ArmedUsers: Sendable {
        private let users = Mutex<[String: Int64]>([:])
        func insert(_ user: String, literalSize: Int64 = 0) { users.withLock { $0[user] = literalSize } }
        func contains(_ user: String) -> Bool { users.withLock { $0[user] != nil } }
        func literalSize(of user: String) -> Int64? { users.withLock { $0[user] } }
    }

    /// Chunks passed on unchanged, except that one is cut in two at `offset` bytes from the start.
    struct SplitChunks: AsyncSequence, Sendable {
        typealias Element = [UInt8]
        let base: any AsyncSequence<[UInt8], any Error> & Sendable
        let offset: Int64

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: any AsyncIteratorProtocol<[UInt8], any Error>
            let offset: Int64
            var passed: Int64 = 0
            var rest: [UInt8]?

            mutating func next() async throws -> [UInt8]? {
                if let pending = rest {
                    rest = nil
                    passed += Int64(pending.count)
                    return pending
                }
                guard let chunk = try await base.next() else { return nil }
                if passed < offset, passed + Int64(chunk.count) > offset {
                    let cut = Int(offset - passed)
                    rest = Array(chunk[cut...])
                    passed = offset
                    return Array(chunk[..<cut])
                }
                passed += Int64(chunk.count)
                return chunk
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), offset: offset) }
    }

    /// Counts events (APPENDs, or steps of the chosen phase) across every user of the process.
    final class AppendCounter: Sendable {
        private let count = Atomic<Int>(0)
        func next() -> Int { count.add(1, ordering: .relaxed).newValue }
    }

    func nextAppend() -> Int { appends.next() }
}

/// A destination that behaves like `inner` until the injected crash.
struct KillSwitchDestinationStore: DestinationStore {
    let inner: any DestinationStore
    let injection: CrashInjection
    let sourceUser: String

    var acceptsKeywords: Bool { inner.acceptsKeywords }
    var uidsPersist: Bool { inner.uidsPersist }
    func folders() async throws -> [FolderInfo] { try await inner.folders() }
    func state(of folder: MailboxPath) async throws -> FolderState? { try await inner.state(of: folder) }
    func summaries(in folder: MailboxPath) async throws -> [MessageSummary] { try await inner.summaries(in: folder) }
    func summaries(in folder: MailboxPath, identified: Bool) async throws -> [MessageSummary] {
        try await inner.summaries(in: folder, identified: identified)
    }
    func summaries(
        in folder: MailboxPath, identified: Bool, window: ListingWindow
    ) async throws -> (messages: [MessageSummary], next: ListingWindow?) {
        try await inner.summaries(in: folder, identified: identified, window: window)
    }
    func identified(_ messages: [MessageSummary], in folder: MailboxPath) async throws -> [MessageSummary] {
        try await inner.identified(messages, in: folder)
    }
    func create(_ folder: MailboxPath) async throws {
        try await inner.create(folder)
        injection.reached(.create)
    }
    func subscribe(_ folder: MailboxPath) async throws {
        try await inner.subscribe(folder)
        injection.reached(.subscribe)
    }
    func annotation(_ name: String, of folder: MailboxPath) async throws -> [UInt8]? {
        try await inner.annotation(name, of: folder)
    }

    func setAnnotation(_ name: String, to value: [UInt8], of folder: MailboxPath) async throws -> Bool {
        try await inner.setAnnotation(name, to: value, of: folder)
    }

    func setFlags(_ flags: MessageFlags, ofUID uid: UInt32, in folder: MailboxPath) async throws {
        try await inner.setFlags(flags, ofUID: uid, in: folder)
        injection.reached(.store)
    }
    func rename(_ folder: MailboxPath, to newName: MailboxPath) async throws {
        try await inner.rename(folder, to: newName)
    }
    func delete(uids: [UInt32], in folder: MailboxPath) async throws -> Bool {
        try await inner.delete(uids: uids, in: folder)
    }
    func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        try await inner.withBodies(of: messages, in: folder, consume)
    }
    func close() async { await inner.close() }

    func append(_ message: MessageSummary, body: MessageBody, to folder: MailboxPath) async throws -> UInt32? {
        let number = injection.nextAppend()
        guard number == injection.appendNumber else { return try await inner.append(message, body: body, to: folder) }
        switch injection.moment {
        case .after:
            let uid = try await inner.append(message, body: body, to: folder)
            CrashInjection.die(marker: "append after")
            return uid
        case .during:
            return try await inner.append(message, body: injection.armLiteral(body, of: sourceUser), to: folder)
        case .sent:
            injection.arm(sourceUser)
            return try await inner.append(message, body: body, to: folder)
        }
    }

    /// Numbers each message of the batch as an APPEND; `during` kills once half of the chosen
    /// message's literal went out, `after` once the destination confirmed it and before the journal commit.
    func appendBatch(
        _ messages: MessageBodies, to folder: MailboxPath, stored: @Sendable ([AppendedMessage]) async throws -> Void
    ) async throws {
        let chosen = ChosenMessage()
        let numbered = MessageBodies {
            guard var message = try await messages.next() else { return nil }
            guard injection.nextAppend() == injection.appendNumber else { return message }
            chosen.mark(message.summary.sourceKey)
            if injection.moment == .sent { injection.arm(sourceUser) }
            if injection.moment == .during { message.body = injection.armLiteral(message.body, of: sourceUser) }
            return message
        }
        try await inner.appendBatch(numbered, to: folder) { appended in
            if injection.moment == .after, appended.contains(where: { chosen.isMarked($0.summary.sourceKey) }) {
                CrashInjection.die(marker: "append after")
            }
            try await stored(appended)
            injection.reached(.commit)
        }
    }

    /// The source key of the message chosen to die with.
    final class ChosenMessage: Sendable {
        private let key = Mutex<String?>(nil)
        func mark(_ sourceKey: String) { key.withLock { $0 = sourceKey } }
        func isMarked(_ sourceKey: String) -> Bool { key.withLock { $0 == sourceKey } }
    }

    /// Passes chunks on and kills the process (through `die`) once `limit` bytes went through.
    static func dying<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks, after limit: Int64, die: @escaping @Sendable () -> Void
    )
        -> any AsyncSequence<[UInt8], any Error> & Sendable
    where Chunks.Element == [UInt8], Chunks.Failure == any Error {
        let counter = ByteCounter()
        return chunks.map { chunk in
            if counter.add(Int64(chunk.count)) >= limit { die() }
            return chunk
        }
    }

    final class ByteCounter: Sendable {
        private let total = Atomic<Int64>(0)
        func add(_ count: Int64) -> Int64 { total.add(count, ordering: .relaxed).newValue }
    }
}
