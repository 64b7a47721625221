import Engine
import Foundation
import IMAP
import MailStores
import MailferryCore
import TestSupport
import Testing

/// Gmail sources speaking X-GM-EXT-1 (a scripted server in Gmail's shape,
/// scripts/mailtools/gmail-imap-server.py) and Dovecot's virtual-folder Gmail shape, into real Dovecot:
/// labels as folders and `folders.labels: keywords`.
@Suite(.serialized) struct GmailLabelsEndToEndTests {
    let provider = ProviderEndToEndTests()

    /// One message in several labels, nested and non-ASCII labels, sent mail, starred mail in and out
    /// of the inbox, archived mail and trash.
    static let messages: [GmailIMAPServer.Message] = [
        .init(id: 1_278_455_344_230_334_865, subject: "both", labels: ["\\Inbox", "Work"]),
        .init(id: 2, subject: "starred-inbox", labels: ["\\Important", "\\Inbox", "\\Starred"]),
        .init(id: 3, subject: "work-only", labels: ["Work/Projects"]),
        .init(id: 4, subject: "two-labels", labels: ["Work/Projects", "Work"]),
        .init(id: 5, subject: "sent", labels: ["\\Sent"]),
        .init(id: 6, subject: "sent-and-inbox", labels: ["\\Sent", "\\Inbox"], flags: []),
        .init(id: 7, subject: "archived", labels: []),
        .init(id: 8, subject: "archived-starred", labels: ["\\Starred"]),
        .init(id: 9, subject: "trashed", labels: ["\\Trash"]),
        .init(id: 18_446_744_073_709_551_000, subject: "umlaut", labels: ["Entwürfe", "Muy Importante"]),
    ]

    /// - Parameter folders: the job's `folders` section (indented lines), if any.
    func scriptedSourceYAML(_ server: GmailIMAPServer, folders: String? = nil) -> String {
        """
        source:
          host: 127.0.0.1
          protocol: imap4
          ports: { imap4: \(server.port) }
          starttls: never
          allow_plaintext_login: true
          provider: gmail
        """ + (folders.map { "\nfolders:\n\($0)" } ?? "")
    }

    @Test func labelsAsFoldersFromAServerWithGmailExtensions() async throws {
        let source = try await GmailIMAPServer.start(user: "alice", password: "alice-pw", messages: Self.messages)
        defer { source.stop() }
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([destination]) {
            // Two labels merged into one folder: the message in both is copied there once.
            let migration = try provider.migration(
                source: scriptedSourceYAML(source, folders: "  merge: true\n  translate: { Muy Importante: Entwürfe }"),
                destination: destination)
            defer { migration.remove() }
            let first = try await migration.run()
            #expect(first.state == .done, "\(first.lastError ?? "")")
            #expect(first.counts.messagesCopied == 13)

            // Every listing asked for X-GM-MSGID and X-GM-LABELS in the same FETCH; nothing read a header:
            // archived mail was found by X-GM-MSGID and the destination was empty.
            let listings = source.commands().filter { $0.contains("UID FETCH 1:* (") }
            #expect(listings.count >= 10)
            #expect(listings.allSatisfy { $0.contains("RFC822.SIZE X-GM-MSGID X-GM-LABELS") }, "\(listings)")
            #expect(!source.commands().contains { $0.contains("HEADER.FIELDS") })

            let reading = try await provider.client(destination)
            let names = Set(try await reading.listMailboxes().map(\.name))
            #expect(
                names == [
                    "INBOX", "Work", "Work/Projects", "Sent", "Drafts", "Junk", "Trash", "Archive", "Entwürfe",
                ])
            #expect(
                try await provider.contents(reading, "INBOX") == [
                    "both": ["\\Seen"], "starred-inbox": ["\\Flagged", "\\Seen"], "sent-and-inbox": [],
                ])
            #expect(try await provider.contents(reading, "Work") == ["both": ["\\Seen"], "two-labels": ["\\Seen"]])
            #expect(
                try await provider.contents(reading, "Work/Projects") == [
                    "work-only": ["\\Seen"], "two-labels": ["\\Seen"],
                ])
            #expect(try await provider.contents(reading, "Sent") == ["sent": ["\\Seen"], "sent-and-inbox": []])
            #expect(
                try await provider.contents(reading, "Archive") == [
                    "archived": ["\\Seen"], "archived-starred": ["\\Flagged", "\\Seen"],
                ])
            #expect(try await provider.contents(reading, "Trash") == ["trashed": ["\\Seen"]])
            #expect(try await provider.contents(reading, "Entwürfe") == ["umlaut": ["\\Seen"]])
            try await reading.logout()

            let second = try await migration.run()
            #expect(second.state == .done, "\(second.lastError ?? "")")
            #expect(second.counts.messagesCopied == 0)
            #expect(second.counts.messagesPresent == 13)
        }
    }

    @Test func labelsAsKeywordsFromAServerWithGmailExtensions() async throws {
        let source = try await GmailIMAPServer.start(user: "alice", password: "alice-pw", messages: Self.messages)
        defer { source.stop() }
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([destination]) {
            let migration = try provider.migration(
                source: scriptedSourceYAML(source, folders: "  labels: keywords"), destination: destination)
            defer { migration.remove() }
            let plan = try await migration.plan()
            #expect(plan.folders.first { $0.source == "Work" }?.messagesToCopy == 0, "\(plan)")
            #expect(plan.folders.first { $0.source == "INBOX" }?.messagesToCopy == 3)

            let first = try await migration.run()
            #expect(first.state == .done, "\(first.lastError ?? "")")
            #expect(first.counts.messagesCopied == 10)

            let reading = try await provider.client(destination)
            // INBOX first; then X-GM-LABELS order ("two-labels": Work/Projects before Work); Sent by \Sent.
            #expect(
                try await provider.contents(reading, "INBOX") == [
                    "both": ["Work", "\\Seen"], "starred-inbox": ["\\Flagged", "\\Seen"], "sent-and-inbox": ["Sent"],
                ])
            #expect(try await provider.contents(reading, "Work") == [:])
            #expect(
                try await provider.contents(reading, "Work/Projects") == [
                    "work-only": ["\\Seen"], "two-labels": ["Work", "\\Seen"],
                ])
            #expect(try await provider.contents(reading, "Sent") == ["sent": ["\\Seen"]])
            #expect(
                try await provider.contents(reading, "Entwürfe") == ["umlaut": ["Muy_Importante", "\\Seen"]])
            #expect(try await provider.contents(reading, "Muy Importante") == [:])
            #expect(
                try await provider.contents(reading, "Archive") == [
                    "archived": ["\\Seen"], "archived-starred": ["\\Flagged", "\\Seen"],
                ])
            #expect(try await provider.contents(reading, "Trash") == ["trashed": ["\\Seen"]])
            try await reading.logout()

            let second = try await migration.run()
            #expect(second.state == .done, "\(second.lastError ?? "")")
            #expect(second.counts.messagesCopied == 0)
            #expect(second.counts.flagsUpdated == 0)
            #expect(second.counts.messagesPresent == 10)

            // verify sees the same selection: every copy present with its keywords, bodies equal, nothing extra.
            let account = try #require(migration.job.accounts.first)
            let verification = try await MailboxVerifier(
                rules: migration.job.folders, options: migration.job.options, deep: true
            ).verify(connector: StoreFactory(job: migration.job, environment: [:]).connector(for: account))
            #expect(verification.isComplete, "\(verification.messages.filter { $0.status != .present })")
            #expect(verification.count(.present) == 10)
            #expect(verification.extra.isEmpty)
        }
    }

    @Test func labelsAsKeywordsFromDovecotsGmailShape() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false, gmail: true))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([source, destination]) {
            let seeding = try await provider.client(source)
            for folder in ["Work", "Work/Clients", "Sent", "Archived/Mail"] { try await seeding.create(folder) }
            try await provider.append(seeding, "INBOX", "both")
            try await provider.append(seeding, "Work", "both")
            try await provider.append(seeding, "Work", "two")
            try await provider.append(seeding, "Work/Clients", "two")
            try await provider.append(seeding, "Work/Clients", "nested")
            try await provider.append(seeding, "INBOX", "starred", flags: ["\\Flagged"])
            try await provider.append(seeding, "Sent", "sent")
            try await provider.append(seeding, "Archived/Mail", "archived")
            try await seeding.logout()

            let migration = try provider.migration(
                source: provider.sourceYAML(source, provider: "gmail") + "\nfolders:\n  labels: keywords",
                destination: destination)
            defer { migration.remove() }
            let first = try await migration.run()
            #expect(first.state == .done, "\(first.lastError ?? "")")
            #expect(first.counts.messagesCopied == 6)

            let reading = try await provider.client(destination)
            // Without X-GM-LABELS the first label is the first folder in list order (INBOX first).
            #expect(
                try await provider.contents(reading, "INBOX") == [
                    "both": ["Work", "\\Seen"], "starred": ["\\Flagged"],
                ])
            #expect(try await provider.contents(reading, "Work") == ["two": ["Work/Clients", "\\Seen"]])
            #expect(try await provider.contents(reading, "Work/Clients") == ["nested": ["\\Seen"]])
            #expect(try await provider.contents(reading, "Sent") == ["sent": ["\\Seen"]])
            #expect(try await provider.contents(reading, "Archive") == ["archived": ["\\Seen"]])
            try await reading.logout()

            let second = try await migration.run()
            #expect(second.state == .done, "\(second.lastError ?? "")")
            #expect(second.counts.messagesCopied == 0)
            #expect(second.counts.flagsUpdated == 0)
        }
    }
}
