import Foundation
import MailferryCore
import Testing

@testable import MailStores

/// `dovecot-uidlist` as `MaildirStore` reads and writes it. That Dovecot serves these UIDs and UIDLs is
/// shown end to end in `MaildirUIDEndToEndTests`.
@Suite struct DovecotUIDListTests {
    @Test func parsesVersion3WithTheNextUIDPastTheLastRecord() throws {
        let text = "3 V1700000001 N5 G0123456789abcdef0123456789abcdef\n3 :a,S=1\n7 W120 :b,S=2\n"
        let list = try #require(DovecotUIDList(parsing: Array(text.utf8)))
        #expect(list == DovecotUIDList(uidValidity: 1_700_000_001, nextUID: 8, recordCount: 2))
        let higherHeader = try #require(DovecotUIDList(parsing: Array("3 V9 N40\n3 :a\n".utf8)))
        #expect(higherHeader.nextUID == 40 && higherHeader.recordCount == 1)
    }

    @Test(arguments: [
        "1 1700000001 5\n3 a\n",  // version 1 (Courier's courierimapuiddb format)
        "3 N5\n",  // no UIDVALIDITY
        "3 V9 N5\n7 :b\n3 :a\n",  // records out of order
        "3 V9 N5\n3 :a",  // last line cut short
        "",
    ])
    func leavesFilesItCannotExtendAlone(text: String) {
        #expect(DovecotUIDList(parsing: Array(text.utf8)) == nil)
    }

    @Test func writesThePOP3UIDLInThePField() {
        #expect(
            DovecotUIDList.record(uid: 4, pop3UIDL: "00000001a1b2c3d4", base: "1.M2P3.h,S=9,W=9")
                == "4 P00000001a1b2c3d4 :1.M2P3.h,S=9,W=9\n")
        #expect(DovecotUIDList.record(uid: 4, pop3UIDL: "with space", base: "b") == "4 :b\n")
        #expect(DovecotUIDList.record(uid: 4, pop3UIDL: nil, base: "b") == "4 :b\n")
        #expect(
            DovecotUIDList.header(uidValidity: 7, nextUID: 9, guid: [0, 0xAB] + Array(repeating: 1, count: 14))
                == "3 V7 N9 G00ab0101010101010101010101010101\n")
    }

    @Test func aFreshFolderTakesTheIMAPSourcesUIDValidityAndUIDs() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        for uid: UInt32 in [3, 9, 10] {
            try await deliver(uid: uid, key: "555:\(uid)", to: store, folder: MailboxPath("Work"))
        }
        let path = temp.path + "/.Work/dovecot-uidlist"
        var list = try #require(try read(path))
        #expect(list.uidValidity == 555 && list.recordCount == 3 && list.nextUID == 11)
        #expect(try recordUIDs(path) == [3, 9, 10])

        // A later run: source UIDs above the last one stay; one below it, or from a folder with another
        // UIDVALIDITY merged into this one, takes the next free UID. Nothing already there changes.
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let rerun = MaildirStore(root: temp.path)
        try await deliver(uid: 20, key: "555:20", to: rerun, folder: MailboxPath("Work"))
        try await deliver(uid: 4, key: "555:4", to: rerun, folder: MailboxPath("Work"))
        try await deliver(uid: 30, key: "777:30", to: rerun, folder: MailboxPath("Work"))
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(before))
        #expect(try recordUIDs(path) == [3, 9, 10, 20, 21, 22])
        list = try #require(try read(path))
        #expect(list.uidValidity == 555 && list.nextUID == 23)
    }

    @Test func aPOP3SourcesUIDLsGoIntoTheRecords() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        try await store.create(.inbox)
        for (number, uidl) in ["00000001deadbeef", "00000007deadbeef"].enumerated() {
            try await deliver(uid: UInt32(number + 1), key: "uidl:\(uidl)", to: store, folder: .inbox)
        }
        let path = temp.path + "/dovecot-uidlist"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("1 P00000001deadbeef :") && lines[2].hasPrefix("2 P00000007deadbeef :"))
        // No IMAP source: the folder keeps the UIDVALIDITY this store reports for it.
        let state = try #require(try await store.state(of: .inbox))
        #expect(try read(path)?.uidValidity == state.uidValidity)
    }

    @Test func aFolderWithMessagesKeepsItsOwnUIDs() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        try await store.create(.inbox)
        // Dovecot numbered two messages already.
        let existing = "3 V4242 N8 G0123456789abcdef0123456789abcdef\n5 :1.a.host,S=3\n7 :1.b.host,S=3\n"
        try existing.write(toFile: temp.path + "/dovecot-uidlist", atomically: true, encoding: .utf8)
        for name in ["1.a.host,S=3:2,S", "1.b.host,S=3:2,"] {
            try "abc".write(toFile: temp.path + "/cur/" + name, atomically: true, encoding: .utf8)
        }
        try await deliver(uid: 100, key: "555:100", to: store, folder: .inbox)
        try await deliver(uid: 1, key: "uidl:xyz", to: store, folder: .inbox)
        let text = try String(contentsOfFile: temp.path + "/dovecot-uidlist", encoding: .utf8)
        #expect(text.hasPrefix(existing))
        #expect(try recordUIDs(temp.path + "/dovecot-uidlist") == [5, 7, 8, 9])
        #expect(text.contains("\n9 Pxyz :"))
        #expect(try read(temp.path + "/dovecot-uidlist")?.uidValidity == 4242)
    }

    @Test func aFolderOtherAgentsFilledWithoutAUIDListIsLeftToDovecot() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let store = MaildirStore(root: temp.path)
        try await store.create(.inbox)
        try "abc".write(toFile: temp.path + "/new/1.other.host", atomically: true, encoding: .utf8)
        try await deliver(uid: 3, key: "555:3", to: store, folder: .inbox)
        try await deliver(uid: 4, key: "555:4", to: store, folder: .inbox)
        #expect(MaildirFileSystem.status(temp.path + "/dovecot-uidlist") == nil)
        #expect(MaildirFixtures.files(in: temp.path + "/cur").count == 2)
        #expect(MaildirFileSystem.status(temp.path + "/dovecot-uidlist.lock") == nil)
    }

    private func deliver(uid: UInt32, key: String, to store: MaildirStore, folder: MailboxPath) async throws {
        var (summary, bytes) = MaildirFixtures.message(MaildirFixtures.mail(id: "m\(uid)-\(key)", subject: "s"))
        summary.uid = uid
        summary.sourceKey = key
        try await store.append(summary, body: MaildirFixtures.body(bytes), to: folder)
    }

    private func read(_ path: String) throws -> DovecotUIDList? {
        try MaildirFileSystem.readSmallFile(path).flatMap(DovecotUIDList.init(parsing:))
    }

    private func recordUIDs(_ path: String) throws -> [UInt32] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().compactMap {
            UInt32($0.prefix(while: { $0 != " " }))
        }
    }
}
