import Ledger
import MailferryCore
import Testing

@testable import Engine

/// A baseline is found by source key and by identity without a dictionary keyed by its strings
/// (two `IndexTable`s of entry indices). Claims take each entry once.
@Suite struct SyncBaselineTests {
    func entry(_ folder: String, _ key: String, id: String, uid: UInt32? = nil) -> BaselineEntry {
        BaselineEntry(
            sourceFolder: MailboxPath(folder), sourceKey: key, identity: MessageIdentity(key: id),
            destinationFolder: .inbox, destinationUID: uid, sourceFlags: MessageFlags([]),
            destinationFlags: MessageFlags([]))
    }

    func message(_ key: String, id: String) -> MessageSummary {
        MessageSummary(
            uid: 1, sourceKey: key, size: 100, internalDate: InternalDate(secondsSince1970: 0), flags: MessageFlags([]),
            identity: MessageIdentity(key: id))
    }

    @Test func entriesInAnyOrderAreFoundByKeyOnceEach() throws {
        var baseline = SyncBaseline([
            entry("INBOX", "7:1", id: "a:1"), entry("INBOX", "7:2", id: "b:1"), entry("INBOX", "7:10", id: "c:1"),
            entry("Old", "7:2", id: "d:1"), entry("INBOX", "7:100", id: MessageIdentity.unreadPrefix + "1"),
        ])
        #expect(baseline.identity(ofSourceKey: CompactSourceKey("7:10"), in: .inbox)?.key == "c:1")
        #expect(baseline.identity(ofSourceKey: CompactSourceKey("7:2"), in: MailboxPath("Old"))?.key == "d:1")
        #expect(
            baseline.identity(ofSourceKey: CompactSourceKey("7:100"), in: .inbox) == nil, "copied without an identity")
        #expect(baseline.identity(ofSourceKey: CompactSourceKey("7:3"), in: .inbox) == nil)
        #expect(baseline.claim(message("7:2", id: "x:1"), in: .inbox)?.identity.key == "b:1")
        // Claimed: the same key again finds nothing by key, nor by an identity no entry has.
        #expect(baseline.claim(message("7:2", id: "x:1"), in: .inbox) == nil)
        #expect(baseline.unclaimed(in: .inbox).map(\.sourceKey) == ["7:1", "7:10", "7:100"])
    }

    @Test func aChangedKeyClaimsByIdentityInItsOwnFolderFirst() throws {
        var baseline = SyncBaseline([
            entry("Old", "7:5", id: "same:1"), entry("INBOX", "7:9", id: "same:1"),
            entry("INBOX", "7:3", id: "other:1"),
        ])
        // A new UIDVALIDITY (8 instead of 7): found by identity, the entry of its own folder first.
        #expect(baseline.claim(message("8:1", id: "same:1"), in: .inbox)?.sourceKey == "7:9")
        #expect(baseline.claim(message("8:2", id: "same:1"), in: .inbox)?.sourceFolder == MailboxPath("Old"))
        #expect(baseline.claim(message("8:3", id: "same:1"), in: .inbox) == nil, "both taken")
        // An unread identity never matches, even one an entry was recorded with.
        #expect(baseline.claim(message("8:4", id: MessageIdentity.unreadPrefix + "1"), in: .inbox) == nil)
        #expect(baseline.unclaimed(in: .inbox).map(\.sourceKey) == ["7:3"])
        #expect(baseline.unclaimed(in: MailboxPath("Old")).isEmpty)
    }
}

@Suite struct IndexTableTests {
    @Test func everyIndexOfAHashIsVisitedInTheOrderInserted() throws {
        // Hashes that collide on purpose: 0 and 16 share a slot of a table of 16 or more.
        let hashes = [0, 16, 1, 0, 5, 16, 0]
        let table = IndexTable(count: hashes.count) { hashes[$0] }
        var visited: [Int] = []
        table.forEachCandidate(hash: 0) { index in
            if hashes[index] == 0 { visited.append(index) }
            return true
        }
        #expect(visited == [0, 3, 6])
        var first: Int?
        table.forEachCandidate(hash: 16) { index in
            guard hashes[index] == 16 else { return true }
            first = index
            return false
        }
        #expect(first == 1)
        var none = 0
        table.forEachCandidate(hash: 9) { _ in
            none += 1
            return true
        }
        #expect(none == 0, "an empty slot ends the run")
    }
}

@Suite struct CompactSourceKeyTests {
    @Test func canonicalIMAPKeysAreNumbersAndEveryKeyKeepsItsText() throws {
        for text in [
            "7:1", "4294967295:4294967295", "0:0", "07:1", "7:01", "7:", ":1", "7:1:2", "4294967296:1", "uidl:x", "",
        ] {
            #expect(CompactSourceKey(text).description == text)
        }
        #expect(CompactSourceKey("7:10") == CompactSourceKey(uidValidity: 7, uid: 10))
        #expect(CompactSourceKey("07:10") != CompactSourceKey(uidValidity: 7, uid: 10))
        let summary = MessageSummary(
            uid: 10, uidValidity: 7, size: 1, internalDate: InternalDate(secondsSince1970: 0), flags: MessageFlags([]),
            identity: MessageIdentity(key: "a:1"))
        #expect(summary.compactSourceKey == CompactSourceKey(summary.sourceKey))
        var renumbered = summary
        renumbered.uid = 11
        #expect(renumbered.compactSourceKey == CompactSourceKey("7:10"), "the key names the message as listed")
        // A summary holds an IMAP key of its own UID as the UIDVALIDITY alone, any other key as text.
        #expect(CompactSourceKey("7:10").uidValidity(forUID: 10) == 7)
        #expect(CompactSourceKey("7:10").uidValidity(forUID: 11) == nil)
        #expect(CompactSourceKey("07:10").uidValidity(forUID: 10) == nil)
        for key in ["7:10", "07:10", "7:11", "uidl-x"] {
            let listed = MessageSummary(
                uid: 10, sourceKey: key, size: 1, internalDate: InternalDate(secondsSince1970: 0),
                flags: MessageFlags([]), identity: MessageIdentity(key: "a:1"))
            #expect(listed.sourceKey == key)
            #expect(listed.compactSourceKey == CompactSourceKey(key))
        }
    }
}

@Suite struct PartitionPointTests {
    @Test func findsTheFirstElementNotBefore() throws {
        let uids: [UInt32] = [2, 4, 4, 7, 9]
        #expect(uids.partitionPoint { $0 < 1 } == 0)
        #expect(uids.partitionPoint { $0 < 4 } == 1)
        #expect(uids.partitionPoint { $0 < 5 } == 3)
        #expect(uids.partitionPoint { $0 < 9 } == 4)
        #expect(uids.partitionPoint { $0 < 10 } == 5)
        #expect([UInt32]().partitionPoint { $0 < 3 } == 0)
        #expect(uids[1...].partitionPoint { $0 < 8 } == 4, "indices of the slice")
    }
}
