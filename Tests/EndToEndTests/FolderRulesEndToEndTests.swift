import Engine
import Foundation
import IMAP
import JobSpec
import Ledger
import MailStores
import MailTransport
import MailferryCore
import NIOCore
import TestSupport
import Testing

/// Skip, translate and special-use rules and a Courier-style source namespace, against real servers.
@Suite(.serialized) struct FolderRulesEndToEndTests {
    func client(_ server: DovecotServer, _ user: String, _ password: String) async throws -> IMAPClient {
        let client = try await IMAPClient.connect(
            IMAPClientConfiguration(
                host: server.host, port: server.imapsPort, security: .implicitTLS,
                tls: TLSOptions(caFile: server.caFile)))
        try await client.login(user: user, password: password)
        return client
    }

    func append(_ client: IMAPClient, _ folder: String, _ subject: String) async throws {
        let text =
            "From: a@old.example\r\nSubject: \(subject)\r\nMessage-ID: <\(subject.hashValue)@x>\r\n\r\nbody of \(subject)\r\n"
        _ = try await client.append(
            to: folder, IMAPAppendMessage(flags: ["\\Seen"], source: .buffer(ByteBuffer(string: text))))
    }

    func migrate(source: DovecotServer, destination: DovecotServer, folders: String) async throws -> UserOutcome {
        let directory = NSTemporaryDirectory() + "mf-rules-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
            version: 1
            name: rules
            source:
              host: 127.0.0.1
              protocol: imap4s
              ports: { imap4s: \(source.imapsPort) }
              tls: { ca_file: \(source.caFile) }
            destination:
              imap: { host: 127.0.0.1, port: \(destination.imapsPort), security: tls, tls: { ca_file: \(destination.caFile) } }
            \(folders)
            users:
              file: users.csv
            """
        try yaml.write(toFile: directory + "/job.yaml", atomically: true, encoding: .utf8)
        try "alice,alice-pw,alice,alice-pw\n".write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        chmod(directory + "/users.csv", 0o600)
        let loaded = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: directory + "/job.yaml")
        let job = try #require(loaded.job, "\(loaded.diagnostics.map(\.message))")
        let ledger = try Ledger.open(directory: directory + "/state")
        let account = try #require(job.accounts.first)
        let factory = StoreFactory(job: job, environment: [:])
        return try #require(
            await ApplyRun(
                rules: job.folders, options: job.options, ledger: ledger,
                runID: try ledger.beginRun(command: .apply, startedAt: Date())
            ) { factory.connector(for: $0) }.outcomes([account], concurrency: 1)[account.sourceUser])
    }

    @Test func courierSourceWithSkipAndTranslateRules() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], namespace: .courier))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")]))
        try await DovecotServer.stopping([source, destination]) {
            let seeding = try await client(source, "alice", "alice-pw")
            for folder in [
                "INBOX.Sent Items", "INBOX.Trash", "INBOX.Junk E-mail", "INBOX.Archive", "INBOX.Archive.2019",
                "INBOX.Entwürfe",
            ] {
                try await seeding.create(folder)
            }
            for folder in [
                "INBOX", "INBOX.Sent Items", "INBOX.Trash", "INBOX.Junk E-mail", "INBOX.Archive.2019", "INBOX.Entwürfe",
            ] {
                try await append(seeding, folder, "in \(folder)")
            }
            try await seeding.logout()

            let outcome = try await migrate(
                source: source, destination: destination,
                folders: """
                    folders:
                      skip: [Trash, "Junk*"]
                      translate: { "Sent Items": Sent, "Archive": "Old Mail" }
                    """)
            #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
            #expect(outcome.counts.messagesCopied == 4)

            let reading = try await client(destination, "alice", "alice-pw")
            let names = Set(try await reading.listMailboxes().map(\.name))
            #expect(names == ["INBOX", "Sent", "Old Mail", "Old Mail/2019", "Entwürfe"])
            #expect(try await reading.status("Old Mail/2019").messages == 1)
            #expect(try await reading.status("Sent").messages == 1)
            #expect(try await reading.status("Entwürfe").messages == 1)
            try await reading.logout()
        }
    }

    @Test func specialUseFoldersMapByAttribute() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")]))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")]))
        try await DovecotServer.stopping([source, destination]) {
            let seeding = try await client(source, "alice", "alice-pw")
            try await seeding.create("Sent Items")
            try await append(seeding, "Sent Items", "sent mail")
            try await seeding.logout()
            let preparing = try await client(destination, "alice", "alice-pw")
            try await preparing.create("Sent")
            try await preparing.logout()

            let outcome = try await migrate(
                source: source, destination: destination, folders: "folders: { special_use: true }")
            #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
            let reading = try await client(destination, "alice", "alice-pw")
            let names = Set(try await reading.listMailboxes().map(\.name))
            #expect(!names.contains("Sent Items"))
            #expect(try await reading.status("Sent").messages == 1)
            try await reading.logout()
        }
    }
}
