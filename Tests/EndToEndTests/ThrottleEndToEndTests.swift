import Engine
import Foundation
import IMAP
import JobSpec
import Ledger
import MailStores
import MailTransport
import MailferryCore
import NIOCore
import Synchronization
import TestSupport
import Testing

/// A source that throttles (BYE over its connection limit, then Exchange's "Request is throttled"
/// in the middle of a body FETCH), through a proxy in front of a real Dovecot: the user pauses for
/// the hinted time or the backoff, resumes, and copies every message exactly once.
@Suite(.serialized) struct ThrottleEndToEndTests {
    final class Pauses: Sendable {
        private let recorded = Mutex<[Duration]>([])
        func add(_ duration: Duration) { recorded.withLock { $0.append(duration) } }
        var all: [Duration] { recorded.withLock { $0 } }
    }

    static func session(_ server: DovecotServer) async throws -> IMAPClient {
        let client = try await IMAPClient.connect(
            IMAPClientConfiguration(
                host: server.host, port: server.imapsPort, security: .implicitTLS,
                tls: TLSOptions(caFile: server.caFile)))
        try await client.login(user: "alice", password: "alice-pw")
        return client
    }

    /// alice's INBOX gets m1 … m5, 71 bytes each.
    static func seedFiveMessages(_ server: DovecotServer) async throws {
        let client = try await session(server)
        for number in 1...5 {
            let text =
                "From: a@old.example\r\nSubject: m\(number)\r\nMessage-ID: <m\(number)@old.example>\r\n\r\nbody\r\n"
            _ = try await client.append(
                to: "INBOX", IMAPAppendMessage(flags: [], source: .buffer(ByteBuffer(string: text))))
        }
        try await client.logout()
    }

    static func inboxCount(_ server: DovecotServer) async throws -> Int? {
        let client = try await session(server)
        let count = try await client.status("INBOX").messages
        try await client.logout()
        return count
    }

    /// A migration whose pauses are recorded instead of waited for.
    static func migration(_ account: Account, job: Job, ledger: Ledger, backoff: ThrottleBackoff, pauses: Pauses)
        -> UserMigration
    {
        var migration = UserMigration(
            account: account, rules: job.folders, options: job.options, ledger: ledger,
            connector: StoreFactory(job: job, environment: [:]).connector(for: account))
        migration.throttleBackoff = backoff
        migration.pause = { pauses.add($0) }
        return migration
    }

    @Test func hintedAndBackoffPausesAreHonouredAndNothingIsLostOrDoubled() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let proxy = try ThrottleProxy.start(
            targetPort: source.imapPort,
            acts: [
                .byeGreeting("[UNAVAILABLE] Too many simultaneous connections"),
                .refuse(
                    containing: "BODY.PEEK[]", text: "Request is throttled. Suggested Backoff Time: 1500 milliseconds"),
            ])
        defer { proxy.stop() }
        try await DovecotServer.stopping([source, destination]) {
            try await Self.seedFiveMessages(source)

            let folder = try TestJobFolder(
                yaml: """
                    version: 1
                    name: throttle
                    source:
                      host: 127.0.0.1
                      protocol: imap4
                      ports: { imap4: \(proxy.port) }
                      starttls: never
                      allow_plaintext_login: true
                    destination:
                      imap: { host: 127.0.0.1, port: \(destination.imapsPort), security: tls, tls: { ca_file: \(destination.caFile) } }
                    users:
                      file: users.csv
                    options:
                      retries: 0
                    """)
            defer { folder.remove() }
            let job = folder.job
            let ledger = folder.ledger
            let account = try #require(job.accounts.first)
            let pauses = Pauses()
            let migration = Self.migration(
                account, job: job, ledger: ledger,
                backoff: ThrottleBackoff(initial: .seconds(20), maximum: .seconds(60), limit: 3),
                pauses: pauses)

            let outcome = await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
            // Throttles are neither failures nor retries: with retries: 0 the user still completes.
            #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
            #expect(outcome.counts.messagesCopied == 5)
            #expect(pauses.all == [.seconds(20), .milliseconds(1500)])
            #expect(proxy.connections == 3)

            #expect(try await Self.inboxCount(destination) == 5)
            let log = try String(contentsOfFile: ledger.log(sourceUser: "alice").path, encoding: .utf8)
            #expect(
                log.contains(
                    "asks to slow down ([UNAVAILABLE] Too many simultaneous connections); pausing 20.0 seconds"))
        }
    }

    @Test func aServerThatKeepsThrottlingLeavesTheUserPartialAfterTheLimit() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let proxy = try ThrottleProxy.start(
            targetPort: source.imapPort, acts: Array(repeating: .byeGreeting("Too many connections"), count: 10))
        defer { proxy.stop() }
        try await DovecotServer.stopping([source, destination]) {
            let folder = try TestJobFolder(
                yaml: """
                    version: 1
                    name: throttle
                    source: { host: 127.0.0.1, protocol: imap4, ports: { imap4: \(proxy.port) }, starttls: never, allow_plaintext_login: true }
                    destination:
                      imap: { host: 127.0.0.1, port: \(destination.imapsPort), security: tls, tls: { ca_file: \(destination.caFile) } }
                    users:
                      file: users.csv
                    """)
            defer { folder.remove() }
            let job = folder.job
            let ledger = folder.ledger
            let account = try #require(job.accounts.first)
            let pauses = Pauses()
            let migration = Self.migration(
                account, job: job, ledger: ledger,
                backoff: ThrottleBackoff(initial: .seconds(10), maximum: .seconds(25), limit: 3),
                pauses: pauses)
            let outcome = await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
            #expect(outcome.state == .partial)
            #expect(outcome.lastError?.hasPrefix("throttled by 127.0.0.1:") == true, "\(outcome.lastError ?? "")")
            // Exponential, capped, and bounded in number: no retry storm.
            #expect(pauses.all == [.seconds(10), .seconds(20), .seconds(25)])
            #expect(proxy.connections == 4)
        }
    }
    @Test func aDailyBudgetStopsTheUserAndTheNextDaysRunsResumeExactly() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([source, destination]) {
            try await Self.seedFiveMessages(source)  // 71 bytes each: two fit in a day's 150
            let folder = try TestJobFolder(
                yaml: """
                    version: 1
                    name: budget
                    \(source.imapsSourceYAML())
                    destination:
                      imap:
                        host: 127.0.0.1
                        port: \(destination.imapsPort)
                        tls: { ca_file: \(destination.caFile) }
                        provider: gmail
                        limits: { bytes_per_day: 150 }
                    users:
                      file: users.csv
                    """)
            defer { folder.remove() }
            let job = folder.job
            let account = try #require(job.accounts.first)
            let seconds = Mutex<Double>(1_800_000_000)
            let factory = StoreFactory(
                job: job, environment: [:],
                budgetFile: { user, side in "\(folder.directory)/budgets/\(user).\(side).json" },
                now: { Date(timeIntervalSince1970: seconds.withLock { $0 }) })
            func run() async throws -> UserOutcome {
                try #require(
                    await ApplyRun(
                        rules: job.folders, options: job.options, ledger: folder.ledger,
                        runID: try folder.ledger.beginRun(command: .apply, startedAt: Date())
                    ) { factory.connector(for: $0) }.outcomes([account], concurrency: 1)[account.sourceUser])
            }

            let first = try await run()
            #expect(first.state == .paused)
            #expect(
                first.resumeAt == Date(timeIntervalSince1970: 1_800_086_400), "\(String(describing: first.resumeAt))")
            #expect(first.counts.messagesCopied == 2)
            #expect(
                first.lastError
                    == "daily budget used up: 150 bytes a day for destination (gmail); run again after 2027-01-16 08:00 UTC"
            )
            // The same day: the budget is still used up, nothing moves.
            let sameDay = try await run()
            #expect(sameDay.counts.messagesCopied == 0)
            #expect(sameDay.state == .paused)
            seconds.withLock { $0 += 86_400 }
            #expect(try await run().counts.messagesCopied == 2)
            seconds.withLock { $0 += 86_400 }
            let last = try await run()
            #expect(last.state == .done, "\(last.lastError ?? "")")
            #expect(last.counts.messagesCopied == 1)

            #expect(try await Self.inboxCount(destination) == 5)
        }
    }
}
