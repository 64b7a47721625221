import Engine
import Foundation
import IMAP
import Ledger
import MailStores
import MailferryCore
import NIOCore
import TestSupport
import Testing

/// A 36 MB message (Exchange's binary megabytes) into a `provider: microsoft365` destination (Dovecot): skipped with its reason,
/// never fetched (so never held in memory), the small ones copied, and a re-run changes nothing.
@Suite(.serialized) struct ExchangeSizeCapEndToEndTests {
    /// 36 MB as Exchange counts (binary): over its 35 MB, 36,700,160 bytes. (36,000,000 bytes is not.)
    static let bigSize = 36 * 1_048_576

    /// A message of exactly `size` bytes: headers, then 1,000-byte lines.
    static func bigMessage(size: Int) -> [UInt8] {
        var bytes = Array(
            "From: a@old.example\r\nSubject: the big one\r\nMessage-ID: <big@old.example>\r\n\r\n".utf8)
        bytes.reserveCapacity(size)
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 998) + [13, 10]
        while bytes.count + line.count <= size { bytes += line }
        bytes += [UInt8](repeating: UInt8(ascii: "y"), count: size - bytes.count)
        return bytes
    }

    static func seed(_ server: DovecotServer) async throws {
        try await server.seedInboxes(["alice"], count: 3)
        let client = try await server.session("alice")
        _ = try await client.append(
            to: "INBOX", IMAPAppendMessage(flags: [], source: .buffer(ByteBuffer(bytes: bigMessage(size: bigSize)))))
        try await client.logout()
    }

    @Test func aMessageOverTheCapIsSkippedWithItsReasonUnreadAndReRunsAreStable() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let proxy = try FaultProxy.start(targetPort: source.imapPort)
        defer { proxy.stop() }
        try await DovecotServer.stopping([source, destination]) {
            try await Self.seed(source)
            let folder = try TestJobFolder(
                yaml: """
                    version: 1
                    name: exchange-cap
                    source: { host: 127.0.0.1, protocol: imap4, ports: { imap4: \(proxy.port) }, starttls: never, allow_plaintext_login: true }
                    destination:
                      imap:
                        host: 127.0.0.1
                        port: \(destination.imapsPort)
                        tls: { ca_file: \(destination.caFile) }
                        provider: microsoft365
                    users:
                      file: users.csv
                    options:
                      retries: 0
                    """)
            defer { folder.remove() }
            let job = folder.job
            let account = try #require(job.accounts.first)
            let factory = StoreFactory(job: job, environment: [:])
            func run() async throws -> UserOutcome {
                let migration = UserMigration(
                    account: account, rules: job.folders, options: job.options, ledger: folder.ledger,
                    connector: factory.connector(for: account))
                return await migration.run(in: try folder.ledger.beginRun(command: .apply, startedAt: Date()))
            }

            let first = try await run()
            #expect(first.state == .done, "\(first.lastError ?? "")")
            #expect(first.counts.messagesCopied == 3)
            #expect(first.counts.messagesSkipped == 1)
            #expect(first.counts.messagesFailed == 0)
            // One session, and the big body never crossed: it was neither fetched nor held.
            #expect(proxy.connections == 1)
            #expect(proxy.serverBytes < 1_000_000, "\(proxy.serverBytes) bytes from the source")
            // The state says why: the user's result and its log.
            let result = try #require(try folder.ledger.latestUserResults().first)
            #expect(result.state == .done)
            #expect(result.counts.messagesSkipped == 1)
            let log = try String(contentsOfFile: folder.ledger.log(sourceUser: "alice").path, encoding: .utf8)
            #expect(
                log.contains(
                    "(\(Self.bigSize) bytes): larger than Microsoft 365's message size limit of 35 MB "
                        + "(36700160 bytes; destination provider microsoft365)"), "\(log)")

            let again = try await run()
            #expect(again.state == .done, "\(again.lastError ?? "")")
            #expect(again.counts.messagesCopied == 0)
            #expect(again.counts.messagesSkipped == 1)
            #expect(proxy.serverBytes < 1_000_000)
            #expect(try await destination.inboxCount("alice") == 3)
        }
    }
}
