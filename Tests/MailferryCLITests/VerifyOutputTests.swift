import Engine
import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

/// `verify` prints and writes its manifest a user at a time (`VerifyOutput`), users verified in any
/// order; the manifest must be the very bytes of the whole document's encoding.
@Suite struct VerifyOutputTests {
    static let job = MigrationPlan.JobReference(name: "fleet", file: "jobs/fleet.yaml", digest: "d")

    static let users = [
        UserVerification(
            sourceUser: "alice", destinationUser: "alice@new.example",
            outcome: .success(MailboxVerification(folders: [], extra: []))),
        UserVerification(
            sourceUser: "bob \"b\"/{x}", destinationUser: "bob@new.example",
            outcome: .failure(.init(message: "login failed at imap4s://127.0.0.1:1 (tls): line one\nline two"))),
        UserVerification(
            sourceUser: "carol", destinationUser: "carol@new.example",
            outcome: .success(MailboxVerification(folders: [], extra: []))),
    ]

    @Test func theManifestIsTheWholeDocumentsBytesInEitherFormat() throws {
        for users in [Self.users, []] {
            let whole = try StableJSON.encode(VerifyDocument(job: Self.job, deep: true, users: users))
            for format in [VerifyFormat.json, .text] {
                let directory = try PlanSpoolTests.emptyDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                let path = directory.appendingPathComponent("manifest.json").path
                var printed = ""
                let output = try VerifyOutput(
                    format: format, outputFile: path, users: users.count, colors: false
                ) { printed += $0 }
                for (index, user) in users.enumerated().reversed() { try output.store(user, at: index) }
                try output.emit(job: Self.job, deep: true)
                #expect(try String(contentsOfFile: path, encoding: .utf8) == whole, "\(format), \(users.count) users")
                if format == .json { #expect(printed == whole) }
            }
        }
    }

    /// A user whose entries were spooled as they were checked (`ManifestEntrySpool`), and whose
    /// verification kept only the checks that are not present, gives the bytes of the whole encoding.
    @Test func aUsersSpooledEntriesGiveTheWholeDocumentsBytes() throws {
        let inbox = FolderMapping(
            source: FolderInfo(path: MailboxPath("INBOX")), destination: MailboxPath("INBOX"), reason: "")
        let junk = FolderMapping(
            source: FolderInfo(path: MailboxPath("Junk")), destination: nil, reason: "skip rule \"Junk\"")
        let statuses: [MessageCheck.Status] = [.present, .missing, .present, .different, .skipped, .present]
        let checks = statuses.enumerated().map { uid, status in
            MessageCheck(
                sourceFolder: MailboxPath("INBOX"), destinationFolder: MailboxPath("INBOX"), sourceUID: UInt32(uid + 1),
                destinationUID: status == .missing ? nil : UInt32(uid + 10),
                identity: MessageIdentity(key: "mid:<m\(uid)@x \"Zoë\">:\(100 + uid)"), size: Int64(100 + uid),
                status: status,
                differences: status == .different ? [.content(sourceDigest: "a", destinationDigest: "b")] : [],
                skipReason: status == .skipped ? "larger than 1 bytes (options.max_message_size)" : nil,
                sourceDigest: "a", destinationDigest: status == .missing ? nil : "b")
        }
        let extra = [
            ExtraMessage(folder: MailboxPath("INBOX"), uid: 99, identity: MessageIdentity(key: "mid:<e>:1"), size: 1)
        ]
        let whole = MailboxVerification(
            folders: [
                FolderVerification(mapping: inbox, messages: checks), FolderVerification(mapping: junk, messages: []),
            ],
            extra: extra)
        let kept = MailboxVerification(
            folders: [
                FolderVerification(mapping: inbox, messages: checks.filter { $0.status != .present }),
                FolderVerification(mapping: junk, messages: []),
            ], extra: extra, counts: whole.counts)
        let entries = try ManifestEntrySpool()
        for check in checks { try entries.add(check) }
        let empty = try ManifestEntrySpool()
        let spooled = [
            UserVerification(sourceUser: "alice", destinationUser: "a@new", outcome: .success(kept), entries: entries),
            UserVerification(
                sourceUser: "bob", destinationUser: "b@new",
                outcome: .success(MailboxVerification(folders: [], extra: [])), entries: empty),
        ]
        var users = spooled
        users[0].outcome = .success(whole)
        users[0].entries = nil
        users[1].entries = nil
        let expected = try StableJSON.encode(VerifyDocument(job: Self.job, deep: true, users: users))
        for format in [VerifyFormat.json, .text] {
            let directory = try PlanSpoolTests.emptyDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("manifest.json").path
            var printed = ""
            let output = try VerifyOutput(format: format, outputFile: path, users: 2, colors: false) { printed += $0 }
            for index in [1, 0] { try output.store(spooled[index], at: index) }
            try output.emit(job: Self.job, deep: true)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == expected, "\(format)")
            if format == .text {
                #expect(printed.contains("alice -> a@new: 1 missing, 1 different, 1 extra; 3 present"))
            }
        }
    }

    @Test func theTextListsTheUsersInOrderAndCountsThem() throws {
        var printed = ""
        let output = try VerifyOutput(format: .text, outputFile: nil, users: 3, colors: false) { printed += $0 }
        for index in [2, 0, 1] { try output.store(Self.users[index], at: index) }
        try output.emit(job: Self.job, deep: false)
        let lines = printed.split(separator: "\n").map(String.init)
        #expect(lines.first == "Verification of job fleet")
        let headings = lines.filter { $0.contains(" -> ") }.map { $0.prefix { $0 != " " } }
        #expect(headings == ["alice", "bob", "carol"])
        #expect(lines.last == "3 users: 2 complete, 0 with differences, 1 error.")
        #expect(output.tally[.complete] == 2 && output.tally[.error] == 1 && output.tally.users == 3)
    }
}
