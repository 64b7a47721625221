import Engine
import Foundation
import Ledger
import MailStores
import MailferryCore
import Synchronization
import TestSupport
import Testing

/// A source that resets connections beyond what it accepts, in front of a real Dovecot: a refusal
/// while the job holds other connections pauses the user and lowers the job's cap to what the
/// server accepted; a refusal with nothing else held stays an error.
@Suite(.serialized) struct ConnectionRefusalEndToEndTests {
    static let users = ["alice", "bob", "carol", "dave"]

    final class Pauses: Sendable {
        private let recorded = Mutex<[String: [Duration]]>([:])
        func add(_ user: String, _ duration: Duration) { recorded.withLock { $0[user, default: []].append(duration) } }
        var all: [Duration] { recorded.withLock { $0.values.flatMap { $0 } } }
    }

    static func folder(proxyPort: Int, destination: DovecotServer, connections: Int, users: [String]) throws
        -> TestJobFolder
    {
        try TestJobFolder(
            yaml: """
                version: 1
                name: refusals
                source:
                  host: 127.0.0.1
                  protocol: imap4
                  ports: { imap4: \(proxyPort) }
                  starttls: never
                  allow_plaintext_login: true
                  limits: { connections: \(connections) }
                destination:
                  imap: { host: 127.0.0.1, port: \(destination.imapsPort), security: tls, tls: { ca_file: \(destination.caFile) } }
                users:
                  file: users.csv
                options:
                  retries: 0
                """,
            users: users.map { "\($0),\($0)-pw,\($0),\($0)-pw\n" }.joined())
    }

    @Test func aRefusalWhileOthersAreOpenPausesAndTheJobKeepsToWhatTheServerAccepted() async throws {
        let accounts = Self.users.map { ($0, "\($0)-pw") }
        let source = try await DovecotServer.start(.init(users: accounts, pop3: false))
        let destination = try await DovecotServer.start(.init(users: accounts, pop3: false))
        // The server takes 2 connections; the job's limit says 3. The two it takes wait for the
        // third, so the users overlap however slowly their tasks start (a busy CI machine).
        let proxy = try FaultProxy.start(
            targetPort: source.imapPort, configuration: .init(capacity: 2, holdUntilRefusal: .seconds(20)))
        defer { proxy.stop() }
        try await DovecotServer.stopping([source, destination]) {
            try await source.seedInboxes(Self.users, count: 4)
            let folder = try Self.folder(
                proxyPort: proxy.port, destination: destination, connections: 3, users: Self.users)
            defer { folder.remove() }
            let job = folder.job
            let factory = StoreFactory(job: job, environment: [:])
            let runID = try folder.ledger.beginRun(command: .apply, startedAt: Date())
            let pauses = Pauses()
            let outcomes = await withTaskGroup(of: (String, UserOutcome).self) { group in
                for account in job.accounts {
                    group.addTask {
                        var migration = UserMigration(
                            account: account, rules: job.folders, options: job.options, ledger: folder.ledger,
                            connector: factory.connector(for: account))
                        migration.throttleBackoff = ThrottleBackoff(
                            initial: .seconds(7), maximum: .seconds(60), limit: 5)
                        migration.pause = { pauses.add(account.sourceUser, $0) }
                        return (account.sourceUser, await migration.run(in: runID))
                    }
                }
                var outcomes: [String: UserOutcome] = [:]
                for await (user, outcome) in group { outcomes[user] = outcome }
                return outcomes
            }
            for user in Self.users {
                let outcome = try #require(outcomes[user])
                #expect(outcome.state == .done, "\(user): \(outcome.lastError ?? "")")
                #expect(outcome.counts.messagesCopied == 4, "\(user)")
                #expect(try await destination.inboxCount(user) == 4, "\(user)")
            }
            // The third connection was reset; from then on the job kept to the two the server took.
            #expect(proxy.refusals == 1)
            #expect(proxy.peakAttemptsAfterFirstRefusal <= 2)
            #expect(proxy.peakOpenConnections == 2)
            // One pause per refusal (on the injected pause), ConnectionRefusal's short one.
            #expect(pauses.all == [.seconds(1)])
        }
    }

    @Test func aRefusalWithNothingElseOpenStaysAnError() async throws {
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let closedPort = try FaultProxy.closedPort()
        try await DovecotServer.stopping([destination]) {
            let folder = try Self.folder(
                proxyPort: closedPort, destination: destination, connections: 3, users: ["alice"])
            defer { folder.remove() }
            let job = folder.job
            let account = try #require(job.accounts.first)
            let pauses = Pauses()
            var migration = UserMigration(
                account: account, rules: job.folders, options: job.options, ledger: folder.ledger,
                connector: StoreFactory(job: job, environment: [:]).connector(for: account))
            migration.pause = { pauses.add(account.sourceUser, $0) }
            let outcome = await migration.run(in: try folder.ledger.beginRun(command: .apply, startedAt: Date()))
            #expect(outcome.state == .failed)
            #expect(
                outcome.lastError?.contains("connection refused by 127.0.0.1 port \(closedPort)") == true,
                "\(outcome.lastError ?? "")")
            #expect(pauses.all.isEmpty)
        }
    }
}
