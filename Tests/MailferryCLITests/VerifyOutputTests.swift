import Engine
import Foundation
import MailferryCore
import TestSupport
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

    /// A user whose entries were spooled as they were checked (`ManifestEntrySpool`, in any order
    /// within a folder), and whose verification kept only the checks that are not present, gives the
    /// bytes of the whole encoding.
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
        // A folder's checks come in the order they settle; the manifest lists them by UID.
        for index in [3, 0, 5, 1, 4, 2] { try entries.add(checks[index]) }
        try entries.endFolder()
        try entries.endFolder()  // Junk: skipped, no messages
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

/// `ManifestEntrySpool` puts each folder's entries in UID order, whatever order they came in, and
/// reads back a manifest of any size in parts.
@Suite struct ManifestEntrySpoolTests {
    static func check(_ folder: String, _ uid: UInt32) -> MessageCheck {
        MessageCheck(
            sourceFolder: MailboxPath(folder), destinationFolder: MailboxPath(folder), sourceUID: uid,
            destinationUID: uid + 1_000_000, identity: MessageIdentity(key: "mid:<\(uid)@\(folder)>:\(uid)"),
            size: Int64(uid), status: .present, sourceDigest: "s", destinationDigest: "d")
    }

    @Test func eachFoldersEntriesComeOutByUIDInTheFoldersOrder() throws {
        let directory = try PlanSpoolTests.emptyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = try ManifestEntrySpool(directory: directory)
        // INBOX large enough to be read back in several parts, checked out of order; then an empty
        // folder; then one checked in order.
        let inbox = (1...6_000).map { Self.check("INBOX", UInt32($0)) }
        var shuffled = inbox
        var generator = SplitMix64(seed: 7)
        shuffled.shuffle(using: &generator)
        for check in shuffled { try spool.add(check) }
        try spool.endFolder()
        try spool.endFolder()
        let sent = (1...3).map { Self.check("Sent", UInt32($0)) }
        for check in sent { try spool.add(check) }
        try spool.endFolder()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
        var parts: [String] = []
        try spool.forEachPart { parts.append($0) }
        #expect(parts.count > 1)
        let expected = try (inbox + sent).map { try StableJSON.element(VerifyDocument.Message(check: $0), depth: 2) }
            .joined(separator: StableJSON.separator)
        #expect(parts.joined() == expected)
    }
}
