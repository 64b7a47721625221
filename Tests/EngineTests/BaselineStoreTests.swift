import Ledger
import MailferryCore
import Testing

@testable import Engine

/// `BaselineStore` holds a folder's baseline entries as columns and gives back the very entries.
@Suite struct BaselineStoreTests {
    static let entries = [
        BaselineEntry(
            sourceFolder: MailboxPath("INBOX"), sourceKey: "7:1", identity: MessageIdentity(key: "mid:<a@x>:10"),
            destinationFolder: .inbox, destinationUID: 101, sourceFlags: MessageFlags(["\\Seen", "$Forwarded"]),
            destinationFlags: MessageFlags(["\\Seen", "\\Flagged", "NonJunk", "$Forwarded"])),
        BaselineEntry(
            sourceFolder: MailboxPath("Archive/2019"), sourceKey: "UIDL-Zoë", identity: .unread(size: 20),
            destinationFolder: .inbox, destinationUID: nil, sourceFlags: .none, destinationFlags: .none),
        BaselineEntry(
            sourceFolder: MailboxPath("INBOX"), sourceKey: "7:3",
            identity: MessageIdentity(key: "mid:<caf\u{E9}@x>:30"), destinationFolder: .inbox,
            destinationUID: 4_000_000_000,
            sourceFlags: MessageFlags(["\\Answered", "\\Draft", "$Forwarded"]),
            destinationFlags: MessageFlags(["\\Deleted", "NonJunk", "$Forwarded"])),
    ]

    @Test func entriesComeBackAsTheyWentIn() {
        var store = BaselineStore()
        store.reserveCapacity(Self.entries.count)
        for entry in Self.entries { store.append(entry) }
        #expect(store.count == 3)
        #expect((0..<store.count).map { store[$0] } == Self.entries)
        #expect(store.destinationUID(at: 1) == nil && store.destinationUID(at: 2) == 4_000_000_000)
        #expect(!store.identityIsUnread(at: 0) && store.identityIsUnread(at: 1))
        #expect(store.sourceFolder(at: 1) == MailboxPath("Archive/2019") && store.key(at: 1).description == "UIDL-Zoë")
    }

    /// Identities compare as strings do: a decomposed é equals the precomposed one of the entry.
    @Test func identitiesCompareAsStrings() {
        var store = BaselineStore()
        for entry in Self.entries { store.append(entry) }
        #expect(store.hasIdentity(at: 0, MessageIdentity(key: "mid:<a@x>:10")))
        #expect(!store.hasIdentity(at: 0, MessageIdentity(key: "mid:<a@x>:11")))
        #expect(store.hasIdentity(at: 2, MessageIdentity(key: "mid:<cafe\u{301}@x>:30")))
        #expect(!store.hasIdentity(at: 2, MessageIdentity(key: "mid:<cafe@x>:30")))
        let baseline = SyncBaseline(store)
        #expect(
            baseline.identity(ofSourceKey: CompactSourceKey("7:3"), in: MailboxPath("INBOX"))?.key
                == "mid:<caf\u{E9}@x>:30")
        #expect(baseline.identity(ofSourceKey: CompactSourceKey("UIDL-Zoë"), in: MailboxPath("Archive/2019")) == nil)
        let byUID = baseline.identitiesByDestinationUID()
        #expect(byUID.uids == [101, 4_000_000_000])
        #expect(byUID[101]?.key == "mid:<a@x>:10" && byUID[102] == nil)
    }
}
