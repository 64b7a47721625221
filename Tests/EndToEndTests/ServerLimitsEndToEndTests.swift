import Engine
import Foundation
import Ledger
import MailStores
import MailferryCore
import Synchronization
import TestSupport
import Testing

/// A clock on which concurrent sleeps may overlap, as real time does: a sleep of `s` seconds begun
/// at `t` moves the time to at least `t + s`, and returns at once. Mailboxes that each wait at the
/// same time take at most the sum of their own waits; a shared limit makes them wait for each other.
final class OverlappingLimitClock: LimitClock {
    private let time = Mutex<Double>(0)

    func now() -> Double { time.withLock { $0 } }

    func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        let until = now() + seconds
        time.withLock { $0 = max($0, until) }
        await Task.yield()
    }
}

/// `limits.server` against real Dovecot: several mailboxes under one server-wide byte rate are
/// paced together, measured on an injected clock.
@Suite(.serialized) struct ServerLimitsEndToEndTests {
    static let users = ["alice", "bob", "carol"]

    /// Migrates every user at once with `limits` on the destination; returns the clock's time at the end.
    static func migrate(limits: String, source: DovecotServer, destination: DovecotServer) async throws -> Double {
        let folder = try TestJobFolder(
            yaml: """
                version: 1
                name: server-wide
                \(source.imapsSourceYAML())
                destination:
                  imap:
                    host: 127.0.0.1
                    port: \(destination.imapsPort)
                    tls: { ca_file: \(destination.caFile) }
                    limits: \(limits)
                users:
                  file: users.csv
                options:
                  concurrency: 3
                """,
            users: users.map { "\($0),\($0)-pw,\($0),\($0)-pw\n" }.joined())
        defer { folder.remove() }
        let clock = OverlappingLimitClock()
        let factory = StoreFactory(job: folder.job, environment: [:], clock: clock)
        let outcomes = await ApplyRun(
            rules: folder.job.folders, options: folder.job.options, ledger: folder.ledger,
            runID: try folder.ledger.beginRun(command: .apply, startedAt: Date())
        ) { factory.connector(for: $0) }.outcomes(folder.job.accounts, concurrency: 3)
        for user in users {
            let outcome = try #require(outcomes[user])
            #expect(outcome.state == .done, "\(user): \(outcome.lastError ?? "")")
            #expect(outcome.counts.messagesCopied == 6, "\(user)")
        }
        return clock.now()
    }

    @Test func aServerWideByteRatePacesTheJobsTotalNotEachMailbox() async throws {
        let accounts = Self.users.map { ($0, "\($0)-pw") }
        let source = try await DovecotServer.start(.init(users: accounts, pop3: false))
        let destination = try await DovecotServer.start(.init(users: accounts, pop3: false))
        let second = try await DovecotServer.start(.init(users: accounts, pop3: false))
        try await DovecotServer.stopping([source, destination, second]) {
            let total = try await source.seedInboxes(Self.users, count: 6, padding: 960)
            let rate = 2_000.0

            let shared = try await Self.migrate(
                limits: "{ server: { bytes_per_second: \(Int(rate)) } }", source: source, destination: destination)
            // All mailboxes draw from one bucket: the job's bytes at the rate, less one saved-up second.
            #expect(shared >= (Double(total) - rate) / rate - 1e-6, "\(shared) s for \(total) bytes")
            #expect(shared <= Double(total) / rate + 1e-6, "\(shared) s for \(total) bytes")

            // The same rate per mailbox: each mailbox has its own saved-up second and pays only for
            // its own bytes, so even one after the other the job is done sooner.
            let separate = try await Self.migrate(
                limits: "{ bytes_per_second: \(Int(rate)) }", source: source, destination: second)
            #expect(separate <= (Double(total) - 3 * rate) / rate + 1e-6, "\(separate) s for \(total) bytes")
            #expect(separate < shared)

            for user in Self.users {
                #expect(try await destination.inboxCount(user) == 6)
                #expect(try await second.inboxCount(user) == 6)
            }
        }
    }
}
