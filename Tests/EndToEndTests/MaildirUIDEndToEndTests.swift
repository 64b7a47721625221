import Engine
import Foundation
import JobSpec
import Ledger
import MailStores
import MailferryCore
import TestSupport
import Testing

/// Clients keep their caches after the switch: a Maildir mailferry wrote, served by a real Dovecot,
/// answers `UID FETCH`, UIDVALIDITY and POP3 `UIDL` as the source did. Both sides are read by
/// scripts/mailbox-uids.py, which shares no code with mailferry.
@Suite(.serialized) struct MaildirUIDEndToEndTests {
    static let user = ("alice", "alice-pw")

    @Test func imapUIDsAndUIDValiditySurviveTheMove() async throws {
        try await withServers(pop3: false) { try await imapScenario(source: $0, destination: $1, directory: $2) }
    }

    @Test func pop3UIDLsSurviveTheMove() async throws {
        try await withServers(pop3: true) { try await pop3Scenario(source: $0, destination: $1, directory: $2) }
    }

    /// A source and a destination Dovecot (the destination only serves what mailferry writes into its
    /// mail directory) and a job directory, all removed afterwards.
    private func withServers(
        pop3: Bool, _ body: (DovecotServer, DovecotServer, String) async throws -> Void
    ) async throws {
        let source = try await DovecotServer.start(.init(users: [Self.user], pop3: pop3))
        let destination: DovecotServer
        do {
            destination = try await DovecotServer.start(.init(users: [Self.user], pop3: pop3))
        } catch {
            await source.stop()
            throw error
        }
        let directory = NSTemporaryDirectory() + "mf-maildir-uids-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await DovecotServer.stopping([source, destination]) { try await body(source, destination, directory) }
    }

    private func imapScenario(source: DovecotServer, destination: DovecotServer, directory: String) async throws {
        // Source: Dovecot numbers what was delivered, then some messages go, so UIDs have gaps that a
        // numbering of its own (1, 2, 3...) on the destination would not reproduce.
        try deliver(6, to: source, folder: nil, tag: "in")
        try deliver(4, to: source, folder: "Work", tag: "work")
        try deliver(3, to: source, folder: "Archive", tag: "archive")
        _ = try await read(source)
        try remove(uids: [2, 5], from: source, folder: nil)
        try remove(uids: [1], from: source, folder: "Work")
        // Destination: "Work" exists with two messages its clients have seen.
        try deliver(2, to: destination, folder: "Work", tag: "dest-work")
        let destinationBefore = try await read(destination)
        let ownWork = try #require(destinationBefore["Work"])
        #expect(ownWork.digestsByUID.count == 2)

        let sourceView = try await read(source)
        #expect(sourceView["INBOX"]?.digestsByUID.keys.sorted() == [1, 3, 4, 6])
        #expect(sourceView["Work"]?.digestsByUID.keys.sorted() == [2, 3, 4])

        let job = try makeJob(
            source: "  protocol: imap4\n  ports: { imap4: \(source.imapPort) }\n  tls: { ca_file: \(source.caFile) }",
            destination: destination, directory: directory)
        let state = directory + "/state"
        let first = try await migrate(job, state: state)
        #expect(first.state == .done, "\(first.lastError ?? "")")
        #expect(first.counts.messagesCopied == 4 + 3 + 3)

        var destinationView = try await read(destination)
        // New or empty folders: the source's UIDVALIDITY and UIDs, each UID naming the same message.
        #expect(destinationView["INBOX"] == sourceView["INBOX"])
        #expect(destinationView["Archive"] == sourceView["Archive"])
        // A folder that had messages keeps its UIDVALIDITY and their UIDs; the new ones come after them.
        let workAfter = try #require(destinationView["Work"])
        #expect(workAfter.uidValidity == ownWork.uidValidity)
        for (uid, digest) in ownWork.digestsByUID { #expect(workAfter.digestsByUID[uid] == digest) }
        let added = workAfter.digestsByUID.filter { ownWork.digestsByUID[$0.key] == nil }
        #expect(Set(added.values) == Set(sourceView["Work"].map { Array($0.digestsByUID.values) } ?? []))
        #expect(added.keys.allSatisfy { $0 > (ownWork.digestsByUID.keys.max() ?? 0) })

        // New mail on the source (again with a gap): the next run gives it the source's UIDs too.
        try deliver(3, to: source, folder: nil, tag: "late")
        _ = try await read(source)
        try remove(uids: [7], from: source, folder: nil)
        let sourceLater = try await read(source)
        #expect(sourceLater["INBOX"]?.digestsByUID.keys.sorted() == [1, 3, 4, 6, 8, 9])
        let second = try await migrate(job, state: state)
        #expect(second.state == .done && second.counts.messagesCopied == 2)
        destinationView = try await read(destination)
        #expect(destinationView["INBOX"] == sourceLater["INBOX"])
        #expect(destinationView["Work"] == workAfter)
        try expectNoDovecotErrors(destination)
    }

    private func pop3Scenario(source: DovecotServer, destination: DovecotServer, directory: String) async throws {
        try deliver(5, to: source, folder: nil, tag: "pop")
        _ = try await listUIDLs(source)
        try remove(uids: [2], from: source, folder: nil)
        let sourceListing = try await listUIDLs(source)
        #expect(sourceListing.count == 4)

        let job = try makeJob(
            source: "  protocol: pop3\n  ports: { pop3: \(source.pop3Port) }\n  tls: { ca_file: \(source.caFile) }",
            destination: destination, directory: directory)
        let outcome = try await migrate(job, state: directory + "/state")
        #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
        #expect(outcome.counts.messagesCopied == 4)

        let destinationListing = try await listUIDLs(destination)
        #expect(destinationListing == sourceListing)
        try expectNoDovecotErrors(destination)
    }

    /// Dovecot read every file mailferry wrote without complaint ("Broken file … dovecot-uidlist" would
    /// be an error). Its one warning, "UIDVALIDITY changed", is for INBOX, which it had opened while
    /// still empty before the migration.
    private func expectNoDovecotErrors(_ server: DovecotServer) throws {
        let log = try String(contentsOfFile: server.directory + "/dovecot.log", encoding: .utf8)
        let complaints = log.split(separator: "\n").filter {
            $0.contains("Error:") || $0.contains("Panic:") || $0.contains("Fatal:") || $0.contains("dovecot-uidlist")
        }
        #expect(complaints.isEmpty, "\(complaints)")
    }

    /// Delivers `count` messages as files into the user's Maildir (nil: INBOX).
    private func deliver(_ count: Int, to server: DovecotServer, folder: String?, tag: String) throws {
        for number in 1...count {
            let text =
                "From: Ann <ann@old.example>\r\nTo: alice@old.example\r\nSubject: \(tag) \(number)\r\n"
                + "Date: Mon, \(number) Jan 2024 10:00:00 +0100\r\nMessage-ID: <\(tag).\(number)@old.example>\r\n\r\n"
                + "Body of \(tag) \(number).\r\n"
            try server.deliver(Data(text.utf8), to: Self.user.0, folder: folder)
        }
    }

    /// Removes the files of the messages Dovecot numbered `uids` (it numbers in directory order, not
    /// in the order of delivery): they are gone at its next look, leaving gaps in the UIDs.
    private func remove(uids: Set<UInt32>, from server: DovecotServer, folder: String?) throws {
        let directory = server.mailDirectory(for: Self.user.0) + (folder.map { "/." + $0 } ?? "")
        let records = try String(contentsOfFile: directory + "/dovecot-uidlist", encoding: .utf8).split(separator: "\n")
        var removed = 0
        for record in records.dropFirst() {
            guard let uid = UInt32(record.prefix(while: { $0 != " " })), uids.contains(uid),
                let colon = record.range(of: " :")
            else { continue }
            let base = String(record[colon.upperBound...])
            for sub in ["cur", "new"] {
                for name in try FileManager.default.contentsOfDirectory(atPath: "\(directory)/\(sub)")
                where name == base || name.hasPrefix(base + ":") {
                    try FileManager.default.removeItem(atPath: "\(directory)/\(sub)/\(name)")
                    removed += 1
                }
            }
        }
        #expect(removed == uids.count, "removed \(removed) of UIDs \(uids.sorted()) in \(directory)")
    }

    /// What `server` answers over IMAP; the script runs off the cooperative pool, which a blocked
    /// thread would take from the other suites running meanwhile.
    private func read(_ server: DovecotServer) async throws -> [String: MailTools.FolderUIDs] {
        try await offCooperativePool { try MailTools.imapUIDs(server, user: Self.user.0, password: Self.user.1) }
    }

    private func listUIDLs(_ server: DovecotServer) async throws -> [MailTools.UIDLEntry] {
        try await offCooperativePool { try MailTools.pop3UIDLs(server, user: Self.user.0, password: Self.user.1) }
    }

    private func makeJob(source: String, destination: DovecotServer, directory: String) throws -> Job {
        try MaildirJob.load(
            name: "maildir-uids", source: source, destination: destination, user: Self.user, directory: directory)
    }

    private func migrate(_ job: Job, state: String) async throws -> UserOutcome {
        try await MaildirJob.migrate(job, ledger: try Ledger.open(directory: state))
    }
}
