import Foundation
import IMAP
import MailferryCore
import Testing

@testable import MailStores

/// A Maildir written by `MaildirStore`, then served by a real Dovecot 2.3 pointed at it, must show the
/// same folders, subscriptions, bytes, flags, keywords and INTERNALDATEs over IMAP.
@Suite(.serialized, .enabled(if: MaildirTestDovecot.canRun, "needs root and /usr/sbin/dovecot"))
struct MaildirDovecotTests {
    struct Expected {
        var folder: MailboxPath
        var bytes: [UInt8]
        var flags: MessageFlags
        var date: Int64
    }

    static let folders = ["Archive", "Archive/2020", "Käse", "R&D", "日本語", "A/Ä/C"].map(MailboxPath.init)
    static let subscribed = ["INBOX", "Archive/2020", "Käse", "A/Ä/C"].map(MailboxPath.init)

    static let messages: [Expected] = [
        Expected(
            folder: .inbox,
            bytes: Array(MaildirFixtures.mail(id: "in1", subject: "Hello", body: "Line one.\r\nLine two.\r\n").utf8),
            flags: MessageFlags(["\\Seen", "$Forwarded"]), date: 1_262_347_200),
        Expected(
            folder: .inbox,
            bytes: Array(MaildirFixtures.mail(id: "in2", subject: "Grüße", body: "Ünïcödé body\r\n").utf8),
            flags: MessageFlags(["\\Flagged", "\\Answered", "NonJunk", "$Label1"]), date: 1_600_000_123),
        Expected(
            folder: MailboxPath("Archive/2020"), bytes: Array(MaildirFixtures.mail(id: "ar1", subject: "Old").utf8),
            flags: MessageFlags(["\\Seen", "\\Draft", "\\Deleted"]), date: 1_577_836_800),
        Expected(
            folder: MailboxPath("Käse"),
            bytes: Array("Subject: no message-id\r\nFrom: x@y\r\n\r\nno trailing newline".utf8),
            flags: .none, date: 946_684_799),
        Expected(
            folder: MailboxPath("A/Ä/C"), bytes: Array(MaildirFixtures.mail(id: "deep", subject: "Deep").utf8),
            flags: MessageFlags(["Work"]), date: 1_700_000_000),
    ]

    @Test(arguments: [Character?.none, Character("/")])
    func dovecotServesWhatTheStoreWrote(separator: Character?) async throws {
        let temp = try TemporaryDirectory("mfmd")
        defer { temp.remove() }
        let vmail = temp.path + "/vmail"
        try FileManager.default.createDirectory(atPath: vmail, withIntermediateDirectories: true)
        let server = try MaildirTestDovecot(
            directory: temp.path, mailLocation: "maildir:\(vmail)/%d/%n/Maildir", separator: separator,
            users: [("alice@new.example", "alicepw")])
        defer { server.stop() }
        chown(vmail, server.mailUID, server.mailGID)

        // Write the tree as mailferry does (as root: files must end up owned like vmail/).
        let store = try MaildirStore.open(template: vmail + "/{domain}/{localpart}/Maildir", user: "alice@new.example")
        try await store.create(.inbox)
        for folder in Self.folders { try await store.create(folder) }
        for folder in Self.subscribed { try await store.subscribe(folder) }
        for message in Self.messages {
            let summary = MessageSummary(
                uid: 0, sourceKey: "", size: Int64(message.bytes.count),
                internalDate: InternalDate(secondsSince1970: message.date),
                flags: message.flags,
                identity: MessageIdentity(headers: message.bytes, size: Int64(message.bytes.count)))
            try await store.append(summary, body: MaildirFixtures.body(message.bytes, chunkSize: 5), to: message.folder)
        }
        // Everything mailferry wrote belongs to the mail user, as vmail/ does.
        let written = try FileManager.default.subpathsOfDirectory(atPath: vmail)
        #expect(written.count > 30)
        for path in written {
            #expect(MaildirFileSystem.status(vmail + "/" + path)?.uid == server.mailUID, "\(path)")
        }

        let imap = try RawIMAPClient(port: server.port)
        try imap.command("LOGIN \"alice@new.example\" alicepw")
        let delimiter = separator ?? "."

        let listed = try Self.names(imap.command("LIST \"\" \"*\"").lines, delimiter: delimiter)
        #expect(listed.selectable == Set([MailboxPath.inbox] + Self.folders))
        #expect(listed.containers == [MailboxPath("A"), MailboxPath("A/Ä")])
        let lsub = try Self.names(imap.command("LSUB \"\" \"*\"").lines, delimiter: delimiter)
        #expect(lsub.selectable.union(lsub.containers) == Set(Self.subscribed))

        for folder in [MailboxPath.inbox] + Self.folders {
            let expected = Self.messages.filter { $0.folder == folder }
            let name = folder.components.map(ModifiedUTF7.encode).joined(separator: String(delimiter))
            try imap.command("EXAMINE \"\(name)\"")
            guard !expected.isEmpty else { continue }
            let fetched = try imap.command("FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])").untagged
                .compactMap(FetchedMessage.init)
            #expect(fetched.count == expected.count, "\(folder)")
            for message in expected {
                let served = try #require(
                    fetched.first { $0.body == message.bytes }, "bytes of a message in \(folder) differ")
                #expect(served.flags == message.flags, "\(folder)")
                #expect(served.size == message.bytes.count)
                #expect(served.internalDate == Self.imapDate(message.date))
            }
        }

        // A flag change through the store is what Dovecot serves next.
        let inboxSummaries = try await store.summaries(in: .inbox)
        let first = try #require(
            inboxSummaries.first {
                $0.identity
                    == MessageIdentity(headers: Self.messages[0].bytes, size: Int64(Self.messages[0].bytes.count))
            })
        try await store.setFlags(MessageFlags(["\\Seen", "\\Answered", "Later"]), ofUID: first.uid, in: .inbox)
        try imap.command("SELECT INBOX")
        let refetched = try imap.command("FETCH 1:* (FLAGS BODY.PEEK[])").untagged.compactMap(FetchedMessage.init)
        #expect(
            refetched.first { $0.body == Self.messages[0].bytes }?.flags
                == MessageFlags(["\\Seen", "\\Answered", "Later"]))
        try imap.command("LOGOUT")

        // After Dovecot has served (and indexed) the tree, a re-run still finds every message it wrote.
        let rerun = MaildirStore(root: store.root)
        for folder in [MailboxPath.inbox] + Self.folders {
            let identities = try await rerun.summaries(in: folder).map(\.identity)
            let expected = Self.messages.filter { $0.folder == folder }.map {
                MessageIdentity(headers: $0.bytes, size: Int64($0.bytes.count))
            }
            #expect(identities.sorted() == expected.sorted(), "\(folder)")
        }
        #expect(try await rerun.folders().filter(\.subscribed).map(\.path) == Self.subscribed.sorted())
    }

    /// Folder names of LIST/LSUB responses, decoded from modified UTF-7 and split at `delimiter`.
    static func names(_ lines: [String], delimiter: Character) throws -> (
        selectable: Set<MailboxPath>, containers: Set<MailboxPath>
    ) {
        var selectable: Set<MailboxPath> = []
        var containers: Set<MailboxPath> = []
        for line in lines where line.hasPrefix("* LIST ") || line.hasPrefix("* LSUB ") {
            let open = try #require(line.firstIndex(of: "("))
            let close = try #require(line.firstIndex(of: ")"))
            let attributes = String(line[open...close])
            let afterDelimiter = line[line.index(close, offsetBy: 2)...]
                .drop(while: { $0 != " " }).dropFirst()
            var name = String(afterDelimiter)
            if name.hasPrefix("\"") { name = String(name.dropFirst().dropLast()) }
            let decoded = try #require(try? ModifiedUTF7.decode(name), "not mUTF-7: \(name)")
            let path = MailboxPath(components: decoded.split(separator: delimiter).map(String.init))
            if attributes.contains("\\Noselect") || attributes.contains("\\NonExistent") {
                containers.insert(path)
            } else {
                selectable.insert(path)
            }
        }
        return (selectable, containers)
    }

    /// IMAP's date-time as Dovecot shows a Maildir INTERNALDATE (the file mtime, always +0000).
    static func imapDate(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd-MMM-yyyy HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))) + " +0000"
    }
}

/// The parts of one `* n FETCH (...)` response the test checks.
struct FetchedMessage {
    var flags: MessageFlags
    var internalDate: String?
    var size: Int?
    var body: [UInt8]

    init?(_ response: [UInt8]) {
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("* "), text.contains(" FETCH ("),
            let flagsStart = text.range(of: "FLAGS ("),
            let flagsEnd = text[flagsStart.upperBound...].firstIndex(of: ")")
        else { return nil }
        flags = MessageFlags(
            text[flagsStart.upperBound..<flagsEnd].split(separator: " ").map(String.init).filter { $0 != "\\Recent" })
        internalDate = text.range(of: "INTERNALDATE \"").flatMap { start in
            text[start.upperBound...].firstIndex(of: "\"").map { String(text[start.upperBound..<$0]) }
        }
        size = text.range(of: "RFC822.SIZE ").flatMap { start in
            Int(text[start.upperBound...].prefix(while: \.isNumber))
        }
        // The literal: "BODY[] {n}\r\n" then n bytes, found in the raw bytes (the body may be 8-bit).
        let marker = Array("BODY[] {".utf8)
        guard
            let markerStart = (0...(response.count - marker.count)).first(where: {
                Array(response[$0..<($0 + marker.count)]) == marker
            }),
            let close = response[(markerStart + marker.count)...].firstIndex(of: UInt8(ascii: "}")),
            let count = Int(String(decoding: response[(markerStart + marker.count)..<close], as: UTF8.self))
        else { return nil }
        let start = close + 3  // "}\r\n"
        guard start + count <= response.count else { return nil }
        body = Array(response[start..<(start + count)])
    }
}
