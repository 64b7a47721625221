import Engine
import Foundation
import IMAP
import JobSpec
import Ledger
import MailStores
import MailferryCore
import TestSupport
import Testing

/// IMAP source to a Maildir destination through the engine, then a real Dovecot pointed at that
/// Maildir serves it: same folders, subscriptions, bytes, flags, keywords and INTERNALDATEs (as
/// instants: Maildir keeps the mtime, not the zone, so Dovecot shows them in +0000).
@Suite(.serialized) struct MaildirEndToEndTests {
    static let users = [("alice", "alice-pw")]

    @Test func imapSourceToMaildirThatDovecotServes() async throws {
        let source = try await DovecotServer.start(.init(users: Self.users, pop3: false))
        let directory = NSTemporaryDirectory() + "mf-maildir-e2e-\(UUID().uuidString)"
        var failure: (any Error)?
        do {
            // The destination server only serves what mailferry writes into its mail directory.
            let destination = try await DovecotServer.start(.init(users: Self.users, pop3: false))
            do {
                try await migrateAndCompare(source: source, destination: destination, directory: directory)
            } catch {
                failure = error
            }
            await destination.stop()
        } catch {
            failure = error
        }
        // Stopped before returning: a detached stop may never run once the test process exits.
        await source.stop()
        try? FileManager.default.removeItem(atPath: directory)
        if let failure { throw failure }
    }

    private func migrateAndCompare(source: DovecotServer, destination: DovecotServer, directory: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let seeded = try await SourceSeeder.seed(
            host: source.host, port: source.imapsPort, caFile: source.caFile, user: "alice", password: "alice-pw")

        let job = try MaildirJob.load(
            name: "maildir-e2e",
            source:
                "  protocol: imap4s\n  ports: { imap4s: \(source.imapsPort) }\n  tls: { ca_file: \(source.caFile) }",
            destination: destination, user: ("alice", "alice-pw"), directory: directory)
        let state = directory + "/.mailferry/maildir-e2e"

        // 1. Cold run copies everything.
        let first = try await migrate(job, ledger: try Ledger.open(directory: state))
        #expect(first.state == .done, "\(first.lastError ?? "")")
        #expect(first.counts.messagesCopied == seeded.messages)

        let sourceView = try await snapshot(source)
        let destinationView = try await snapshot(destination)
        #expect(sourceView.messageCount == seeded.messages)
        #expect(destinationView.messageCount == seeded.messages)
        #expect(sourceView.folders.count == SourceSeeder.folders.count)
        #expect(Set(destinationView.folders.keys) == Set(sourceView.folders.keys))
        for folder in sourceView.folders.keys.sorted() {
            #expect(destinationView.folders[folder] == sourceView.folders[folder], "folder \(folder) differs")
        }
        #expect(sourceView.subscribed == destinationView.subscribed)

        // verify --deep: every copy's bytes, read back from the files, equal the source's BODY[].
        let account = try #require(job.accounts.first)
        let verification = try await MailboxVerifier(rules: job.folders, options: job.options, deep: true)
            .verify(connector: StoreFactory(job: job, environment: [:]).connector(for: account))
        #expect(verification.isComplete, "\(verification.messages.filter { $0.status != .present })")
        #expect(verification.count(.present) == seeded.messages)
        #expect(verification.messages.allSatisfy { $0.sourceDigest != nil && $0.sourceDigest == $0.destinationDigest })

        // 2. A re-run copies nothing; 3. nor does one after the state directory is lost.
        let second = try await migrate(job, ledger: try Ledger.open(directory: state))
        #expect(second.state == .done && second.counts.messagesCopied == 0)
        try FileManager.default.removeItem(atPath: state)
        let third = try await migrate(job, ledger: try Ledger.open(directory: state))
        #expect(third.state == .done && third.counts.messagesCopied == 0)
        #expect(try await snapshot(destination) == destinationView)

        // Everything mailferry wrote belongs to the mail user, as the Maildir it landed in does.
        let root = destination.mailDirectory(for: "alice")
        for path in try FileManager.default.subpathsOfDirectory(atPath: root) {
            var info = stat()
            #expect(stat(root + "/" + path, &info) == 0 && info.st_uid == destination.mailUID, "\(path)")
        }
    }

    private func migrate(_ job: Job, ledger: Ledger) async throws -> UserOutcome {
        try await MaildirJob.migrate(job, ledger: ledger)
    }

    /// The snapshot with every INTERNALDATE as its UTC instant.
    private func snapshot(_ server: DovecotServer) async throws -> NormalizedSnapshot {
        let raw = try await MailboxSnapshot.read(
            host: server.host, port: server.imapsPort, caFile: server.caFile, user: "alice", password: "alice-pw")
        return NormalizedSnapshot(raw)
    }
}

struct NormalizedSnapshot: Equatable {
    var folders: [String: [MailboxSnapshot.Message]]
    var subscribed: Set<String>
    var messageCount: Int { folders.values.reduce(0) { $0 + $1.count } }

    init(_ snapshot: MailboxSnapshot) {
        subscribed = snapshot.subscribed
        folders = snapshot.folders.mapValues { messages in
            messages.map { message in
                var normalized = message
                normalized.internalDate = Self.utcInstant(message.internalDate)
                return normalized
            }.sorted()
        }
    }

    static func utcInstant(_ text: String) -> String {
        guard let date = IMAPDateTime(text) else { return "unparsable: \(text)" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(
            year: date.year, month: date.month, day: date.day, hour: date.hour, minute: date.minute,
            second: date.second)
        guard let local = calendar.date(from: components) else { return "invalid: \(text)" }
        return String(Int64(local.timeIntervalSince1970) - Int64(date.zoneMinutes * 60))
    }
}
