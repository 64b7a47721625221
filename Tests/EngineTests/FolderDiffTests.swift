import Ledger
import MailferryCore
import Testing

@testable import Engine

@Suite struct FolderDiffTests {
    func message(_ uid: UInt32, id: String, size: Int64 = 100, flags: [String] = [], seconds: Int64 = 1_700_000_000)
        -> MessageSummary
    {
        MessageSummary(
            uid: uid, sourceKey: "1:\(uid)", size: size, internalDate: InternalDate(secondsSince1970: seconds),
            flags: MessageFlags(flags), identity: MessageIdentity(key: "\(id):\(size)"))
    }

    @Test func duplicatesCountAsMultiset() {
        let source = [message(1, id: "a"), message(2, id: "a"), message(3, id: "b")]
        let empty = FolderDiff(source: source, destination: [], options: MigrationOptions(), acceptsKeywords: true)
        #expect(empty.toCopy.map(\.uid) == [1, 2, 3])

        let oneCopied = FolderDiff(
            source: source, destination: [message(10, id: "a")], options: MigrationOptions(), acceptsKeywords: true)
        #expect(oneCopied.toCopy.map(\.uid) == [2, 3])
        #expect(oneCopied.present.count == 1)

        let allThere = FolderDiff(
            source: source, destination: [message(10, id: "a"), message(11, id: "a"), message(12, id: "b")],
            options: MigrationOptions(), acceptsKeywords: true)
        #expect(allThere.toCopy.isEmpty)
        #expect(allThere.present.count == 3)
    }

    @Test func aSharedPoolKeepsOnlyWhatIsLeftUnpairedAndUnsortedSourcesAreDiffedInUIDOrder() {
        var pool = MessagePool([message(10, id: "a"), message(11, id: "a"), message(12, id: "b")])
        let first = Self.diff([message(3, id: "b"), message(1, id: "a")], against: &pool)
        #expect(first.present.map(\.source.uid) == [1, 3])
        #expect(first.present.map(\.destination.uid) == [10, 12])
        #expect(pool.identities.map(\.key) == ["a:100"])  // "b" is fully paired: gone from the pool
        #expect(pool.unpaired.map(\.uid) == [11])

        let second = Self.diff([message(7, id: "a"), message(8, id: "c")], against: &pool)
        #expect(second.present.map(\.destination.uid) == [11])
        #expect(second.toCopy.map(\.uid) == [8])
        #expect(pool.isEmpty)

        // Nothing left to pair: everything is copied, still in UID order.
        let third = Self.diff([message(9, id: "d"), message(2, id: "a")], against: &pool)
        #expect(third.toCopy.map(\.uid) == [2, 9])
        #expect(third.present.isEmpty)
    }

    @Test func settledBaselineUpdatesAreTakenAndThoseAwaitingFlagsStay() {
        // Without a state: every pair is new to the baseline; message 2's flags differ.
        var diff = FolderDiff(
            source: [message(1, id: "a", flags: ["\\Seen"]), message(2, id: "b", flags: ["\\Flagged"])],
            destination: [message(10, id: "a", flags: ["\\Seen"]), message(11, id: "b")],
            options: MigrationOptions(), acceptsKeywords: true)
        #expect(diff.flagUpdates.map(\.destinationUID) == [11])
        #expect(diff.takeSettledBaselineUpdates().map(\.destinationUID) == [10])
        #expect(diff.baselineUpdates.map(\.destinationUID) == [11], "written after its flags are set")
        #expect(diff.takeSettledBaselineUpdates().isEmpty)
    }

    @Test func aBaselineEntrysDestinationUIDPairsWhereIdentitiesDoNotMeet() {
        // Copied without identities (a first copy), then listed with them: the entry's UID pairs.
        var pool = MessagePool([message(10, id: "dest-a"), message(11, id: "b", size: 200)])
        var baseline = SyncBaseline([
            BaselineEntry(
                sourceFolder: .inbox, sourceKey: "1:1", identity: .unread(size: 100), destinationFolder: .inbox,
                destinationUID: 10, sourceFlags: .none, destinationFlags: .none),
            BaselineEntry(
                sourceFolder: .inbox, sourceKey: "1:2", identity: .unread(size: 100), destinationFolder: .inbox,
                destinationUID: 11, sourceFlags: .none, destinationFlags: .none),
        ])
        let source = [message(1, id: "src-a"), message(2, id: "b")]
        let valid = FolderDiff(
            source: source, folder: .inbox, target: .inbox, pool: &pool, baseline: &baseline,
            options: MigrationOptions(), acceptsKeywords: true, destinationUIDsValid: true)
        #expect(valid.present.map(\.destination.uid) == [10], "UID 10 pairs; UID 11 has another size")
        #expect(valid.keptDeleted.map(\.uid) == [2])

        var freshPool = MessagePool([message(10, id: "dest-a")])
        var freshBaseline = SyncBaseline([
            BaselineEntry(
                sourceFolder: .inbox, sourceKey: "1:1", identity: .unread(size: 100), destinationFolder: .inbox,
                destinationUID: 10, sourceFlags: .none, destinationFlags: .none)
        ])
        let renumbered = FolderDiff(
            source: [message(1, id: "src-a")], folder: .inbox, target: .inbox, pool: &freshPool,
            baseline: &freshBaseline, options: MigrationOptions(), acceptsKeywords: true, destinationUIDsValid: false)
        #expect(renumbered.present.isEmpty, "a UID under another UIDVALIDITY names nothing")
    }

    @Test func destinationUIDsOfAnEarlierUIDValidityAreForgotten() {
        func entry(_ key: String, id: String, uid: UInt32) -> BaselineEntry {
            BaselineEntry(
                sourceFolder: .inbox, sourceKey: key, identity: MessageIdentity(key: "\(id):100"),
                destinationFolder: .inbox, destinationUID: uid, sourceFlags: .none, destinationFlags: .none)
        }
        // 1:1 was deleted by the user (kept deleted); 1:9 left the source but is still on the
        // destination; the destination folder has a new UIDVALIDITY, its message now at UID 40.
        var pool = MessagePool([message(40, id: "gone-from-source")])
        var baseline = SyncBaseline([entry("1:1", id: "deleted", uid: 5), entry("1:9", id: "gone-from-source", uid: 7)])
        let diff = FolderDiff(
            source: [message(1, id: "deleted")], folder: .inbox, target: .inbox, pool: &pool, baseline: &baseline,
            options: MigrationOptions(), acceptsKeywords: true, destinationUIDsValid: false)
        #expect(diff.keptDeleted.map(\.uid) == [1])
        #expect(diff.baselineUpdates.map(\.sourceKey).sorted() == ["1:1", "1:9"])
        #expect(diff.baselineUpdates.allSatisfy { $0.destinationUID == nil })

        // Two entries naming one UID with different identities: that UID's headers are read.
        let named = SyncBaseline([
            entry("1:1", id: "a", uid: 5), entry("1:2", id: "b", uid: 5), entry("1:3", id: "c", uid: 6),
        ])
        let byUID = named.identitiesByDestinationUID()
        #expect(byUID.uids == [6])
        #expect(byUID[6] == MessageIdentity(key: "c:100"))
        #expect(byUID[5] == nil)
        #expect(byUID[7] == nil)
    }

    @Test func extraDestinationCopiesAreNeverDeletedNorCounted() {
        let diff = FolderDiff(
            source: [message(1, id: "a")], destination: [message(5, id: "a"), message(6, id: "a")],
            options: MigrationOptions(), acceptsKeywords: true)
        #expect(diff.toCopy.isEmpty)
        #expect(diff.present.count == 1)
    }

    @Test func flagChangesAreDetected() {
        let diff = FolderDiff(
            source: [message(1, id: "a", flags: ["\\Seen", "$Forwarded"])],
            destination: [message(7, id: "a", flags: ["\\Seen"])], options: MigrationOptions(), acceptsKeywords: true)
        #expect(diff.flagUpdates.count == 1)
        #expect(diff.flagUpdates.first?.destinationUID == 7)
        #expect(diff.flagUpdates.first?.flags == MessageFlags(["\\Seen", "$Forwarded"]))

        let noKeywords = FolderDiff(
            source: [message(1, id: "a", flags: ["\\Seen", "$Forwarded"])],
            destination: [message(7, id: "a", flags: ["\\Seen"])], options: MigrationOptions(), acceptsKeywords: false)
        #expect(noKeywords.flagUpdates.isEmpty)

        var noFlags = MigrationOptions()
        noFlags.flags = false
        let ignored = FolderDiff(
            source: [message(1, id: "a", flags: ["\\Seen"])], destination: [message(7, id: "a")], options: noFlags,
            acceptsKeywords: true)
        #expect(ignored.flagUpdates.isEmpty)
    }

    @Test func sinceAndMaximumSizeSkipWithReasons() throws {
        var options = MigrationOptions()
        let since = try #require(CalendarDay(parsing: "2024-01-01"))
        options.since = since
        options.maxMessageSize = 1000
        let old = message(
            1, id: "old", seconds: InternalDate.startOfDay(try #require(CalendarDay(parsing: "2023-12-31"))))
        let big = message(2, id: "big", size: 5000, seconds: 1_750_000_000)
        let fine = message(
            3, id: "fine", seconds: InternalDate.startOfDay(try #require(CalendarDay(parsing: "2024-01-01"))))
        let diff = FolderDiff(source: [old, big, fine], destination: [], options: options, acceptsKeywords: true)
        #expect(diff.toCopy.map(\.uid) == [3])
        #expect(diff.skipped.map(\.message.uid) == [1, 2])
        #expect(diff.skipped.map { "\($0.reason)" }.first?.contains("options.since") == true)
        #expect(diff.skipped.map { "\($0.reason)" }.last?.contains("max_message_size") == true)
    }

    @Test func aPoolHandsOutEachIdentityLowestUIDFirstOrTheUIDAskedFor() {
        // Listed out of UID order, three copies of "a": the chain still runs 5, 7, 9.
        var pool = MessagePool([message(9, id: "a"), message(5, id: "a"), message(6, id: "b"), message(7, id: "a")])
        #expect(pool.take(MessageIdentity(key: "a:100"), preferring: 7)?.uid == 7)
        #expect(pool.contains(uid: 5) && !pool.contains(uid: 7))
        #expect(pool.take(uid: 6, size: 99) == nil, "the size must match too")
        #expect(pool.take(uid: 6, size: 100)?.uid == 6)
        #expect(!pool.contains(MessageIdentity(key: "b:100")))
        #expect(pool.take(MessageIdentity(key: "a:100"), preferring: 42)?.uid == 5)
        #expect(pool.unpaired.map(\.uid) == [9])
        #expect(pool.take(MessageIdentity(key: "a:100"))?.uid == 9)
        #expect(pool.isEmpty && pool.take(MessageIdentity(key: "a:100")) == nil)
    }

    @Test func pairsAreKeptOnlyWhenAskedForAndCountedAlways() {
        var pool = MessagePool([message(10, id: "a"), message(11, id: "b")])
        var baseline = SyncBaseline([])
        let diff = FolderDiff(
            source: [message(1, id: "a"), message(2, id: "b"), message(3, id: "c")], folder: .inbox, target: .inbox,
            pool: &pool, baseline: &baseline, options: MigrationOptions(), acceptsKeywords: true, keepsPairs: false)
        #expect(diff.present.isEmpty)
        #expect(diff.presentCount == 2)
        #expect(diff.toCopy.map(\.uid) == [3])
    }

    /// One source folder against a shared pool, without a sync baseline.
    static func diff(_ source: [MessageSummary], against pool: inout MessagePool) -> FolderDiff {
        var baseline = SyncBaseline([])
        return FolderDiff(
            source: source, folder: .inbox, target: .inbox, pool: &pool, baseline: &baseline,
            options: MigrationOptions(),
            acceptsKeywords: true)
    }

    @Test func mergedSourcesShareOneDestinationPool() {
        var pool = MessagePool([message(9, id: "a")])
        var baseline = SyncBaseline([])
        let first = FolderDiff(
            source: [message(1, id: "a")], folder: MailboxPath("A"), target: .inbox, pool: &pool, baseline: &baseline,
            options: MigrationOptions(), acceptsKeywords: true)
        let second = FolderDiff(
            source: [message(1, id: "a")], folder: MailboxPath("B"), target: .inbox, pool: &pool, baseline: &baseline,
            options: MigrationOptions(), acceptsKeywords: true)
        #expect(first.present.count == 1)
        #expect(second.toCopy.count == 1)
    }
}
