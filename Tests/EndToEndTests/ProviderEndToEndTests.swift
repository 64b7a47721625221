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

/// `provider: gmail` and `provider: exchange` sources, and a second port, against real Dovecot servers:
/// Gmail's All Mail and Starred are Dovecot virtual folders over the user's folders.
@Suite(.serialized) struct ProviderEndToEndTests {
    func client(_ server: DovecotServer, _ user: String = "alice", _ password: String = "alice-pw") async throws
        -> IMAPClient
    {
        let client = try await IMAPClient.connect(
            IMAPClientConfiguration(
                host: server.host, port: server.imapsPort, security: .implicitTLS,
                tls: TLSOptions(caFile: server.caFile)))
        try await client.login(user: user, password: password)
        return client
    }

    func append(_ client: IMAPClient, _ folder: String, _ subject: String, flags: [String] = ["\\Seen"]) async throws {
        let text =
            "From: a@old.example\r\nSubject: \(subject)\r\nMessage-ID: <\(subject)@old.example>\r\n\r\nbody of \(subject)\r\n"
        _ = try await client.append(
            to: folder, IMAPAppendMessage(flags: flags, source: .buffer(ByteBuffer(string: text))))
    }

    /// Subject and flags of every message of `folder`, sorted by subject.
    func contents(_ client: IMAPClient, _ folder: String) async throws -> [String: [String]] {
        let selected = try await client.examine(folder)
        guard selected.exists > 0 else { return [:] }
        var result: [String: [String]] = [:]
        for message in try await client.fetchMetadata(uids: 1...UInt32.max, headerFields: ["SUBJECT"]) {
            let header = String(buffer: message.headerFields)
            let subject = header.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(result[subject] == nil, "\(subject) twice in \(folder)")
            result[subject] = message.flags.sorted()
        }
        return result
    }

    struct Migration {
        var folder: TestJobFolder
        var job: Job { folder.job }
        var ledger: Ledger { folder.ledger }

        func run() async throws -> UserOutcome {
            let account = try #require(job.accounts.first)
            return await UserMigration(
                account: account, rules: job.folders, options: job.options, ledger: ledger,
                connector: StoreFactory(job: job, environment: [:]).connector(for: account)
            ).run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
        }

        func plan() async throws -> UserPlan {
            let account = try #require(job.accounts.first)
            return await UserPlanner(rules: job.folders, options: job.options, ledger: ledger).plan(
                account: account, connector: StoreFactory(job: job, environment: [:]).connector(for: account),
                expectedEndpoint: job.source.route.expectedEndpoints, candidates: job.source.route.candidates)
        }

        func remove() { folder.remove() }
    }

    func migration(source: String, destination: DovecotServer) throws -> Migration {
        Migration(
            folder: try TestJobFolder(
                yaml: """
                    version: 1
                    name: provider
                    \(source)
                    destination:
                      imap: { host: 127.0.0.1, port: \(destination.imapsPort), security: tls, tls: { ca_file: \(destination.caFile) } }
                    users:
                      file: users.csv
                    """))
    }

    func sourceYAML(_ server: DovecotServer, provider: String, ports: String? = nil) -> String {
        """
        source:
          host: 127.0.0.1
          protocol: imap4s
          ports: { imap4s: \(ports ?? String(server.imapsPort)) }
          tls: { ca_file: \(server.caFile) }
          provider: \(provider)
        """
    }

    @Test func gmailLabelsAllMailAndStarred() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false, gmail: true))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([source, destination]) {
            let seeding = try await client(source)
            for folder in ["Work", "Work/Clients", "Sent", "Trash", "Archived/Mail"] {
                try await seeding.create(folder)
            }
            // "both" carries the labels Inbox and Work: Gmail shows it in both folders and once in All Mail.
            try await append(seeding, "INBOX", "both")
            try await append(seeding, "Work", "both")
            try await append(seeding, "INBOX", "starred-inbox", flags: ["\\Flagged"])
            try await append(seeding, "Work", "work-only")
            try await append(seeding, "Work/Clients", "nested-label")
            try await append(seeding, "Sent", "sent")
            try await append(seeding, "Trash", "trashed")
            // No label but All Mail: archived.
            try await append(seeding, "Archived/Mail", "archived")
            try await append(seeding, "Archived/Mail", "archived-starred", flags: ["\\Seen", "\\Flagged"])
            #expect(try await seeding.status("[Gmail]/All Mail").messages == 8)
            #expect(try await seeding.status("[Gmail]/Starred").messages == 2)
            try await seeding.logout()

            let migration = try migration(source: sourceYAML(source, provider: "gmail"), destination: destination)
            defer { migration.remove() }
            let plan = try await migration.plan()
            let allMail = try #require(plan.folders.first { $0.source == "[Gmail]/All Mail" }, "\(plan)")
            #expect(allMail.destination == "Archive")
            #expect(allMail.messagesToCopy == 2)
            #expect(plan.folders.first { $0.source == "[Gmail]/Starred" }?.action == .skip)

            let first = try await migration.run()
            #expect(first.state == .done, "\(first.lastError ?? "")")
            #expect(first.counts.messagesCopied == 9)

            let reading = try await client(destination)
            let names = Set(try await reading.listMailboxes().map(\.name))
            #expect(names == ["INBOX", "Work", "Work/Clients", "Sent", "Trash", "Archive"])
            #expect(try await contents(reading, "INBOX") == ["both": ["\\Seen"], "starred-inbox": ["\\Flagged"]])
            #expect(try await contents(reading, "Work") == ["both": ["\\Seen"], "work-only": ["\\Seen"]])
            #expect(try await contents(reading, "Work/Clients") == ["nested-label": ["\\Seen"]])
            #expect(
                try await contents(reading, "Archive") == [
                    "archived": ["\\Seen"], "archived-starred": ["\\Flagged", "\\Seen"],
                ])
            #expect(try await contents(reading, "Trash") == ["trashed": ["\\Seen"]])
            try await reading.logout()

            let second = try await migration.run()
            #expect(second.state == .done, "\(second.lastError ?? "")")
            #expect(second.counts.messagesCopied == 0)
            #expect(second.counts.messagesPresent == 9)
        }
    }

    @Test func exchangeNamesWithoutSpecialUseAndNonMailFolders() async throws {
        let source = try await DovecotServer.start(
            .init(users: [("alice", "alice-pw")], pop3: false, specialUse: false))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([source, destination]) {
            let seeding = try await client(source)
            let folders = [
                "Sent Items", "Deleted Items", "Junk Email", "Calendar", "Calendar/Birthdays", "Contacts", "Tasks",
                "Sync Issues", "Sync Issues/Conflicts", "Conversation History", "Projects",
            ]
            for folder in folders { try await seeding.create(folder) }
            for folder in ["INBOX"] + folders {
                try await append(
                    seeding, folder,
                    "in-\(folder.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "/", with: "-"))")
            }
            let listed = try await seeding.listMailboxes()
            #expect(listed.allSatisfy { $0.specialUse == nil })
            try await seeding.logout()

            let migration = try migration(source: sourceYAML(source, provider: "exchange"), destination: destination)
            defer { migration.remove() }
            let outcome = try await migration.run()
            #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
            #expect(outcome.counts.messagesCopied == 5)

            let reading = try await client(destination)
            let list = try await reading.listMailboxes()
            #expect(Set(list.map(\.name)) == ["INBOX", "Sent", "Trash", "Junk", "Projects"])
            #expect(list.first { $0.name == "Sent" }?.specialUse == "\\Sent")
            #expect(try await contents(reading, "Sent") == ["in-Sent-Items": ["\\Seen"]])
            #expect(try await contents(reading, "Trash") == ["in-Deleted-Items": ["\\Seen"]])
            #expect(try await contents(reading, "Junk") == ["in-Junk-Email": ["\\Seen"]])
            try await reading.logout()
            let log = try String(contentsOfFile: migration.ledger.log(sourceUser: "alice").path, encoding: .utf8)
            #expect(
                log.contains("skip folder Sync Issues/Conflicts: Exchange non-mail folder (Sync Issues): not copied"))
        }
    }

    @Test func connectionCapsHoldAcrossAllUsersOfTheJob() async throws {
        let users = (1...6).map { ("user\($0)", "pw-\($0)") }
        let source = try await DovecotServer.start(.init(users: users, pop3: false))
        let destination = try await DovecotServer.start(.init(users: users, pop3: false))
        let sourceProxy = try FaultProxy.start(targetPort: source.imapsPort)
        let destinationProxy = try FaultProxy.start(targetPort: destination.imapsPort)
        defer {
            sourceProxy.stop()
            destinationProxy.stop()
        }
        try await DovecotServer.stopping([source, destination]) {
            for (user, password) in users {
                let seeding = try await client(source, user, password)
                for number in 1...3 { try await append(seeding, "INBOX", "\(user)-\(number)") }
                try await seeding.logout()
            }
            let lines = users.map { "\($0.0),\($0.1),\($0.0),\($0.1)" }.joined(separator: "\n") + "\n"
            let folder = try TestJobFolder(
                yaml: """
                    version: 1
                    name: caps
                    source:
                      host: 127.0.0.1
                      protocol: imap4s
                      ports: { imap4s: \(sourceProxy.port) }
                      tls: { ca_file: \(source.caFile) }
                      limits: { connections: 2 }
                    destination:
                      imap:
                        host: 127.0.0.1
                        port: \(destinationProxy.port)
                        tls: { ca_file: \(destination.caFile) }
                        provider: gmail
                        limits: { connections: 1 }
                    users:
                      file: users.csv
                    options:
                      concurrency: 6
                    """, users: lines)
            defer { folder.remove() }
            let job = folder.job
            #expect(job.destination.limits.bytesPerDay == 500_000_000)
            let ledger = folder.ledger
            let factory = StoreFactory(job: job, environment: [:])
            let results = await ApplyRun(
                rules: job.folders, options: job.options, ledger: ledger,
                runID: try ledger.beginRun(command: .apply, startedAt: Date()), connector: factory.connector(for:)
            ).run(job.accounts, concurrency: 6)
            #expect(results.allSatisfy { $0.outcome.state == .done }, "\(results.map(\.outcome.lastError))")
            #expect(results.reduce(0) { $0 + $1.outcome.counts.messagesCopied } == 18)
            // Counted by the proxies, which see every connection the job opens.
            #expect(sourceProxy.connections == 6)
            #expect(sourceProxy.peakOpenConnections <= 2)
            #expect(destinationProxy.peakOpenConnections <= 1)
            let peaks = await factory.peakConnections()
            #expect(peaks.source == 2)
            #expect(peaks.destination == 1)
        }
    }

    @Test func secondPortIsUsedWhenTheFirstRefuses() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([source, destination]) {
            let seeding = try await client(source)
            try await append(seeding, "INBOX", "hello")
            try await seeding.logout()
            let closed = try DovecotServer.unusedPort()
            let migration = try migration(
                source: sourceYAML(source, provider: "generic", ports: "[\(closed), \(source.imapsPort)]"),
                destination: destination)
            defer { migration.remove() }
            #expect(migration.job.source.route.folders.map(\.port) == [closed, source.imapsPort])
            let plan = try await migration.plan()
            #expect(plan.endpoint.folders == "imap4s://127.0.0.1:\(source.imapsPort) (tls)")
            let outcome = try await migration.run()
            #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
            #expect(outcome.counts.messagesCopied == 1)
        }
    }
}
