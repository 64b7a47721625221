import Foundation
import MailferryCore
import Testing

@testable import MailStores

@Suite struct MaildirStoreTests {
    @Test func createsMaildirPlusPlusFoldersInModifiedUTF7() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path + "/Maildir")
        #expect(try await store.folders().isEmpty)  // nothing written before create
        #expect(try await store.state(of: .inbox) == nil)

        for name in ["Archive", "Archive/2020", "Käse", "R&D", "A/Entwürfe/Alt"] {
            try await store.create(MailboxPath(name))
        }
        try await store.create(.inbox)

        let root = temp.path + "/Maildir"
        #expect(
            MaildirFixtures.files(in: root).filter { $0.hasPrefix(".") } == [
                ".A.Entw&APw-rfe.Alt", ".Archive", ".Archive.2020", ".K&AOQ-se", ".R&-D",
            ])
        for directory in ["", "/.K&AOQ-se", "/.A.Entw&APw-rfe.Alt"] {
            for sub in ["cur", "new", "tmp"] {
                #expect(MaildirFileSystem.status("\(root)\(directory)/\(sub)")?.isDirectory == true)
            }
        }
        #expect(MaildirFileSystem.status("\(root)/.K&AOQ-se/maildirfolder")?.size == 0)
        #expect(MaildirFileSystem.status("\(root)/maildirfolder") == nil)  // INBOX is the root, not a folder

        let folders = try await store.folders()
        #expect(
            folders.map(\.path.description) == [
                "INBOX", "A", "A/Entwürfe", "A/Entwürfe/Alt", "Archive", "Archive/2020", "Käse", "R&D",
            ])
        // Parents that exist only as part of ".A.Entw&APw-rfe.Alt" are containers, as Dovecot lists them.
        #expect(folders.filter { !$0.selectable }.map(\.path.description) == ["A", "A/Entwürfe"])
        #expect(try await store.summaries(in: MailboxPath("A")).isEmpty)

        // Creating again changes nothing and keeps the UIDVALIDITY.
        let state = try #require(try await store.state(of: MailboxPath("Käse")))
        try await store.create(MailboxPath("Käse"))
        #expect(try await store.state(of: MailboxPath("Käse")) == state)
        #expect(state.messageCount == 0 && state.uidNext == 1)
    }

    @Test(arguments: ["Mail.2020", "a/b.c"])
    func refusesComponentsWithTheSeparator(name: String) async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        let folder = MailboxPath(name)
        await #expect {
            try await store.create(folder)
        } throws: { error in
            guard case .folderRefused(let refused, let reason) = error as? StoreError else { return false }
            return refused == folder.description && reason.contains("Maildir++ hierarchy separator")
        }
        await #expect(throws: StoreError.self) { try await store.subscribe(folder) }
        #expect(MaildirFixtures.files(in: temp.path).isEmpty)
    }

    @Test func refusesSlashControlCharactersAndALeadingTilde() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        for components in [["a/b"], ["tab\there"], ["~home"], ["~home", "Sub"]] {
            await #expect(throws: StoreError.self) { try await store.create(MailboxPath(components: components)) }
        }
        #expect(MaildirFixtures.files(in: temp.path).isEmpty)
        try await store.create(MailboxPath("A/~B"))  // only a leading "~" of the whole name is refused
        #expect(MaildirFileSystem.isDirectory(temp.path + "/.A.~B/cur"))
    }

    @Test func appendsAndListsTheSameMessageBack() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let root = temp.path + "/Maildir"
        let store = MaildirStore(root: root)
        let first = MaildirFixtures.message(
            MaildirFixtures.mail(id: "one", subject: "First"),
            flags: ["\\Seen", "\\Answered", "$Forwarded", "NonJunk"],
            date: 1_500_000_000, offsetMinutes: 120)
        let second = MaildirFixtures.message(
            MaildirFixtures.mail(id: "two", subject: "Second"), flags: ["\\Flagged", "\\Draft", "\\Deleted"])

        let uid1 = try await store.append(first.summary, body: MaildirFixtures.body(first.bytes), to: .inbox)
        let uid2 = try await store.append(
            second.summary, body: MaildirFixtures.body(second.bytes, chunkSize: 1), to: .inbox)
        #expect(uid1 == 1 && uid2 == 2)

        let names = MaildirFixtures.files(in: root + "/cur")
        #expect(names.count == 2)
        #expect(MaildirFixtures.files(in: root + "/tmp").isEmpty && MaildirFixtures.files(in: root + "/new").isEmpty)
        let firstName = try #require(names.first { $0.hasSuffix(":2,RSab") })
        #expect(names.contains { $0.hasSuffix(":2,DFT") })
        // <secs>.M<usecs>P<pid>Q<counter>.<host>,S=<size>,W=<size with CRLF>
        let pattern = #/^\d+\.M\d+P\d+Q1\.[^/:,]+,S=(\d+),W=(\d+):2,RSab$/#
        let match = try #require(firstName.wholeMatch(of: pattern))
        #expect(Int(match.1) == first.bytes.count && Int(match.2) == first.bytes.count)
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/cur/" + firstName)) == Data(first.bytes))

        let keywords = try String(contentsOfFile: root + "/dovecot-keywords", encoding: .utf8)
        #expect(keywords == "0 $Forwarded\n1 NonJunk\n")
        let status = try #require(MaildirFileSystem.status(root + "/cur/" + firstName))
        #expect(status.modificationSeconds == 1_500_000_000)

        let summaries = try await store.summaries(in: .inbox)
        #expect(summaries.count == 2)
        let listed = try #require(summaries.first { $0.identity == first.summary.identity })
        #expect(listed.flags == first.summary.flags)
        #expect(listed.size == Int64(first.bytes.count))
        #expect(listed.internalDate.secondsSince1970 == 1_500_000_000)  // Maildir keeps no zone
        #expect(listed.sourceKey == String(firstName.prefix(upTo: try #require(firstName.range(of: ":2,")).lowerBound)))
        #expect(Set(summaries.map(\.identity)) == [first.summary.identity, second.summary.identity])
        #expect(summaries.first { $0.identity == second.summary.identity }?.flags == second.summary.flags)

        // A second store (a re-run) finds every message again with the same identities.
        let rerun = try await MaildirStore(root: root).summaries(in: .inbox)
        #expect(rerun.map(\.identity) == summaries.map(\.identity))
        #expect(rerun.map(\.sourceKey) == summaries.map(\.sourceKey))
        let state = try #require(try await store.state(of: .inbox))
        #expect(state.messageCount == 2 && state.uidNext == 3)
    }

    @Test func keepsExistingKeywordIndicesAndStopsAt26() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        try await store.create(.inbox)
        try Data("0 Existing\n3 Third\n".utf8).write(to: URL(fileURLWithPath: temp.path + "/dovecot-keywords"))

        let many = (0..<30).map { String(format: "kw%02d", $0) }
        let message = MaildirFixtures.message(MaildirFixtures.mail(id: "k", subject: "K"), flags: ["Third"] + many)
        try await store.append(message.summary, body: MaildirFixtures.body(message.bytes), to: .inbox)

        let table = MaildirKeywords(
            parsing: Array(try Data(contentsOf: URL(fileURLWithPath: temp.path + "/dovecot-keywords"))))
        #expect(table.byIndex.count == 26)
        #expect(table.byIndex[0] == "Existing" && table.byIndex[3] == "Third")
        #expect(table.byIndex[1] == "kw00" && table.byIndex[2] == "kw01" && table.byIndex[4] == "kw02")
        let listed = try #require(try await store.summaries(in: .inbox).first)
        #expect(listed.flags.keywords.count == 25)  // Third + 24 new; Existing is not set on this message
        #expect(!listed.flags.keywords.contains("Existing"))
    }

    @Test func waitsForDovecotsDotlockAndRemovesAStaleOne() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        try await store.create(.inbox)
        let lock = temp.path + "/dovecot-keywords.lock"

        // Held by "Dovecot": the store waits until it is released, then updates.
        #expect(FileManager.default.createFile(atPath: lock, contents: Data()))
        // Its own thread, not a dispatch queue: on a busy machine the store's wait (which blocks a
        // pool thread) must not starve the release it waits for.
        Thread {
            usleep(300_000)
            unlink(lock)
        }.start()
        let first = MaildirFixtures.message(MaildirFixtures.mail(id: "l1", subject: "Lock"), flags: ["One"])
        let started = Date()
        try await store.append(first.summary, body: MaildirFixtures.body(first.bytes), to: .inbox)
        #expect(Date().timeIntervalSince(started) >= 0.25)
        #expect(try String(contentsOfFile: temp.path + "/dovecot-keywords", encoding: .utf8) == "0 One\n")

        // Left by a crashed process long ago: removed.
        #expect(FileManager.default.createFile(atPath: lock, contents: Data()))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -600)], ofItemAtPath: lock)
        let second = MaildirFixtures.message(MaildirFixtures.mail(id: "l2", subject: "Lock"), flags: ["Two"])
        try await store.append(second.summary, body: MaildirFixtures.body(second.bytes), to: .inbox)
        #expect(try String(contentsOfFile: temp.path + "/dovecot-keywords", encoding: .utf8) == "0 One\n1 Two\n")
        #expect(!FileManager.default.fileExists(atPath: lock))
    }

    @Test func setFlagsRenamesTheSuffixOnly() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        let folder = MailboxPath("Work")
        let message = MaildirFixtures.message(MaildirFixtures.mail(id: "f", subject: "Flags"), flags: ["\\Seen"])
        let uid = try #require(
            try await store.append(message.summary, body: MaildirFixtures.body(message.bytes), to: folder))
        let before = try #require(MaildirFixtures.files(in: temp.path + "/.Work/cur").first)
        let stateBefore = try await store.state(of: folder)

        try await store.setFlags(MessageFlags(["\\Flagged", "\\Answered", "Later"]), ofUID: uid, in: folder)
        let after = try #require(MaildirFixtures.files(in: temp.path + "/.Work/cur").first)
        #expect(after == before.replacingOccurrences(of: ":2,S", with: ":2,FRa"))
        #expect(
            try await store.summaries(in: folder).first?.flags == MessageFlags(["\\Flagged", "\\Answered", "Later"]))
        #expect(try await store.state(of: folder) != stateBefore)  // a flag change is visible to the fast path
        #expect(MaildirFileSystem.status(temp.path + "/.Work/cur/" + after)?.modificationSeconds == 1_600_000_000)

        // A fresh store (a re-run) resolves UIDs from its own listing.
        let rerun = MaildirStore(root: temp.path)
        try await rerun.setFlags(.none, ofUID: 1, in: folder)
        #expect(
            MaildirFixtures.files(in: temp.path + "/.Work/cur") == [
                before.replacingOccurrences(of: ":2,S", with: ":2,")
            ])
        await #expect(throws: StoreError.self) { try await rerun.setFlags(.none, ofUID: 9, in: folder) }
    }

    @Test func findsAMessageRenamedWhileListing() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        let message = MaildirFixtures.message(MaildirFixtures.mail(id: "r", subject: "Renamed"), flags: ["\\Seen"])
        try await store.append(message.summary, body: MaildirFixtures.body(message.bytes), to: .inbox)
        let name = try #require(MaildirFixtures.files(in: temp.path + "/cur").first)
        let stale = MaildirStore.MessageFile(path: temp.path + "/cur/" + name, fileName: MaildirFileName(parsing: name))

        // A Dovecot user flags the message between the listing and the read.
        let renamed = name.replacingOccurrences(of: ":2,S", with: ":2,FS")
        try FileManager.default.moveItem(atPath: temp.path + "/cur/" + name, toPath: temp.path + "/cur/" + renamed)
        let (file, status, header) = try #require(try store.readMessage(stale, in: .inbox, directory: temp.path))
        #expect(file.fileName.info == "FS")
        #expect(status.size == Int64(message.bytes.count))
        #expect(MessageIdentity(headers: header, size: status.size) == message.summary.identity)

        // Removed meanwhile: skipped, not an error.
        try FileManager.default.removeItem(atPath: temp.path + "/cur/" + renamed)
        #expect(try store.readMessage(stale, in: .inbox, directory: temp.path) == nil)
    }

    @Test(arguments: [Int64(10), Int64(1000)])
    func byteCountMismatchLeavesNothingBehind(announced: Int64) async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        let message = MaildirFixtures.message(MaildirFixtures.mail(id: "m", subject: "Mismatch"))
        await #expect {
            try await store.append(
                message.summary, body: MaildirFixtures.body(message.bytes, announcedSize: announced), to: .inbox)
        } throws: { error in
            guard case .interrupted(_, let reason) = error as? StoreError else { return false }
            return reason.contains("\(announced) were announced")
        }
        #expect(MaildirFixtures.files(in: temp.path + "/cur").isEmpty)
        #expect(MaildirFixtures.files(in: temp.path + "/new").isEmpty)
        #expect(MaildirFixtures.files(in: temp.path + "/tmp").isEmpty)
        #expect(try await store.summaries(in: .inbox).isEmpty)
    }

    @Test func aFailingSourceStreamLeavesNothingBehind() async throws {
        struct SourceDropped: Error {}
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        let message = MaildirFixtures.message(MaildirFixtures.mail(id: "d", subject: "Dropped"))
        let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
            continuation.yield(Array(message.bytes.prefix(10)))
            continuation.finish(throwing: SourceDropped())
        }
        await #expect(throws: SourceDropped.self) {
            try await store.append(
                message.summary, body: MessageBody(size: message.summary.size, chunks: stream), to: .inbox)
        }
        #expect(
            MaildirFixtures.files(in: temp.path + "/cur").isEmpty
                && MaildirFixtures.files(in: temp.path + "/tmp").isEmpty)
    }

    @Test func streamsA20MegabyteBodyChunkByChunk() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        try await store.create(.inbox)
        let chunkSize = 64 * 1024
        let chunkCount = 320  // 20 MiB
        let header = Array("Message-ID: <big@example.org>\r\nSubject: big\r\n\r\n".utf8)
        let source = ChunkSource(
            header: header, chunkSize: chunkSize, chunkCount: chunkCount, tmpDirectory: temp.path + "/tmp")
        let size = Int64(header.count + chunkSize * chunkCount)
        let stream = AsyncThrowingStream<[UInt8], any Error>(unfolding: { try await source.next() })
        let summary = MessageSummary(
            uid: 1, sourceKey: "big", size: size, internalDate: InternalDate(secondsSince1970: 1_600_000_000),
            flags: .none, identity: MessageIdentity(headers: header, size: size))

        try await store.append(summary, body: MessageBody(size: size, chunks: stream), to: .inbox)

        // Each chunk was on disk before the next one was asked for: the body was never held whole.
        #expect(
            await source.writtenBeforeEachChunk
                == (0...chunkCount + 1).map { $0 == 0 ? 0 : Int64(header.count + ($0 - 1) * chunkSize) })
        let name = try #require(MaildirFixtures.files(in: temp.path + "/cur").first)
        #expect(name.contains(",S=\(size),W=\(size + Int64(chunkCount * chunkSize / 64)):2,"))
        #expect(MaildirFileSystem.status(temp.path + "/cur/" + name)?.size == size)
        let listed = try #require(try await store.summaries(in: .inbox).first)
        #expect(listed.identity == summary.identity && listed.size == size)
    }

    @Test func subscriptionsUseDovecotsVersion2Format() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        for name in ["Käse", "A/Ä/C"] { try await store.create(MailboxPath(name)) }
        for name in ["INBOX", "Käse", "A/Ä/C", "Käse"] { try await store.subscribe(MailboxPath(name)) }

        let contents = try String(contentsOfFile: temp.path + "/subscriptions", encoding: .utf8)
        #expect(contents == "V\t2\n\nINBOX\nK&AOQ-se\nA\t&AMQ-\tC\n")
        let subscribed = try await store.folders().filter(\.subscribed).map(\.path.description)
        #expect(subscribed == ["INBOX", "A/Ä/C", "Käse"])

        // Version 1 files (no header) use the namespace separator.
        #expect(MaildirSubscriptions(parsing: Array("INBOX\nA.&AMQ-\n".utf8)).folders == [.inbox, MailboxPath("A/Ä")])
    }

    @Test func filesAndDirectoriesArePrivate() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path + "/deep/Maildir")
        let message = MaildirFixtures.message(MaildirFixtures.mail(id: "p", subject: "Private"), flags: ["Tag"])
        try await store.append(message.summary, body: MaildirFixtures.body(message.bytes), to: MailboxPath("Sub"))
        try await store.subscribe(MailboxPath("Sub"))
        let root = temp.path + "/deep/Maildir"
        let name = try #require(MaildirFixtures.files(in: root + "/.Sub/cur").first)
        for path in [root, root + "/cur", root + "/.Sub", root + "/.Sub/tmp"] {
            #expect(try permissions(path) == 0o700, "\(path)")
        }
        for path in [
            root + "/.Sub/cur/" + name, root + "/.Sub/dovecot-keywords", root + "/subscriptions",
            root + "/.Sub/maildirfolder",
        ] {
            #expect(try permissions(path) == 0o600, "\(path)")
        }
    }

    @Test(.enabled(if: geteuid() == 0, "chown needs root"))
    func filesTakeTheOwnerOfTheDirectoryTheyLandIn() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let owner: (uid: uid_t, gid: gid_t) = (65534, 65534)  // nobody, as a mail user stand-in
        try #require(chown(temp.path, owner.uid, owner.gid) == 0)
        let store = try MaildirStore.open(template: temp.path + "/{domain}/{localpart}/Maildir", user: "ann@x.example")
        let message = MaildirFixtures.message(MaildirFixtures.mail(id: "o", subject: "Owner"), flags: ["Tag"])
        try await store.append(message.summary, body: MaildirFixtures.body(message.bytes), to: MailboxPath("Sub"))
        try await store.subscribe(MailboxPath("Sub"))

        let paths = try #require(FileManager.default.subpathsOfDirectory(atPath: temp.path) as [String]?)
        #expect(paths.count > 10)
        for path in paths {
            let status = try #require(MaildirFileSystem.status(temp.path + "/" + path))
            #expect(status.uid == owner.uid && status.gid == owner.gid, "\(path)")
        }
    }

    @Test(arguments: 1...8)  // every split of CR and LF across chunks
    func storedBareLineFeedsCountTowardsDovecotsSize(chunkSize: Int) async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        let message = MaildirFixtures.message("Message-ID: <lf@x>\r\nSubject: lf\r\n\r\nbare\nline\r\n")
        try await store.append(
            message.summary, body: MaildirFixtures.body(message.bytes, chunkSize: chunkSize), to: .inbox)
        let name = try #require(MaildirFixtures.files(in: temp.path + "/cur").first)
        #expect(name.contains(",S=\(message.bytes.count),W=\(message.bytes.count + 1):2,"))
        // This store wrote CRLF headers: the listed size is the file size (what the source announced).
        #expect(try await store.summaries(in: .inbox).first?.identity == message.summary.identity)
    }

    /// `withBodies` (verify --deep): the stored bytes back, a Dovecot file with bare LFs as CRLF (its
    /// listed `W=` size), and a file removed since the listing left out.
    @Test func readsBodiesBackWithLineFeedsAsCRLF() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        let first = MaildirFixtures.message(MaildirFixtures.mail(id: "one", subject: "First"))
        let second = MaildirFixtures.message(MaildirFixtures.mail(id: "two", subject: "Second"))
        try await store.append(first.summary, body: MaildirFixtures.body(first.bytes), to: .inbox)
        try await store.append(second.summary, body: MaildirFixtures.body(second.bytes), to: .inbox)
        let stored = Array("Message-ID: <lf@x>\nSubject: lf\n\nline one\nline two\n".utf8)
        let crlf = Array("Message-ID: <lf@x>\r\nSubject: lf\r\n\r\nline one\r\nline two\r\n".utf8)
        let name = "1.M1P1.host,S=\(stored.count),W=\(crlf.count):2,S"
        try Data(stored).write(to: URL(fileURLWithPath: temp.path + "/cur/" + name))

        let summaries = try await store.summaries(in: .inbox)
        #expect(summaries.count == 3)
        let byKey = Dictionary(uniqueKeysWithValues: summaries.map { ($0.identity, $0) })
        let secondFile = try #require(MaildirFixtures.files(in: temp.path + "/cur").first { $0.contains("Q2.") })
        try FileManager.default.removeItem(atPath: temp.path + "/cur/" + secondFile)
        let read = try await store.withBodies(of: summaries, in: .inbox) { bodies in
            var read: [MessageIdentity: [UInt8]] = [:]
            while let message = try await bodies.next() {
                var bytes: [UInt8] = []
                for try await chunk in message.body.chunks { bytes += chunk }
                read[message.summary.identity] = bytes
            }
            return read
        }
        #expect(read[first.summary.identity] == first.bytes)
        #expect(read[second.summary.identity] == nil, "a removed file is left out")
        let lineFeeds = try #require(summaries.first { $0.sourceKey.hasPrefix("1.M1P1.host") })
        #expect(read[lineFeeds.identity] == crlf)
        #expect(byKey[lineFeeds.identity]?.size == Int64(crlf.count))
    }

    @Test func messagesDovecotStoredWithLineFeedsReportTheCRLFSize() throws {
        let header = Array("Message-ID: <d@x>\n\n".utf8)
        let name = MaildirFileName(parsing: "1.M1P1.host,S=50,W=56:2,S")
        #expect(MaildirStore.messageSize(fileSize: 50, fileName: name, header: header) == 56)
        #expect(MaildirStore.messageSize(fileSize: 50, fileName: name, header: Array("A: b\r\n\r\n".utf8)) == 50)
        #expect(
            MaildirStore.messageSize(fileSize: 50, fileName: MaildirFileName(parsing: "1.M1P1.host"), header: header)
                == 50)
    }

    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }
}

/// Yields a header, then `chunkCount` chunks of 63 "x" and an LF each 64 bytes, recording before each
/// chunk how many bytes the store had already written to its tmp file.
actor ChunkSource {
    private let header: [UInt8]
    private let chunk: [UInt8]
    private let chunkCount: Int
    private let tmpDirectory: String
    private var produced = 0
    private(set) var writtenBeforeEachChunk: [Int64] = []

    init(header: [UInt8], chunkSize: Int, chunkCount: Int, tmpDirectory: String) {
        self.header = header
        chunk = (0..<chunkSize).map { $0 % 64 == 63 ? UInt8(ascii: "\n") : UInt8(ascii: "x") }
        self.chunkCount = chunkCount
        self.tmpDirectory = tmpDirectory
    }

    func next() throws -> [UInt8]? {
        let files = MaildirFixtures.files(in: tmpDirectory)
        writtenBeforeEachChunk.append(
            files.first.flatMap { MaildirFileSystem.status("\(tmpDirectory)/\($0)")?.size } ?? 0)
        defer { produced += 1 }
        if produced == 0 { return header }
        return produced <= chunkCount ? chunk : nil
    }
}
