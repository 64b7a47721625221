import MailferryCore
import Testing

@testable import Engine

/// A pool filled a window at a time keeps each identity's messages in UID order and lets go of the
/// paired ones once they are most of what it holds.
@Suite struct MessagePoolTests {
    func message(_ uid: UInt32, id: String, size: Int64 = 100) -> MessageSummary {
        MessageSummary(
            uid: uid, sourceKey: "1:\(uid)", size: size, internalDate: InternalDate(secondsSince1970: 0),
            flags: MessageFlags([]), identity: MessageIdentity(key: "\(id):\(size)"))
    }

    @Test func windowsAppendedKeepEachIdentityInUIDOrder() throws {
        var pool = MessagePool([message(1, id: "a"), message(2, id: "b")])
        pool.append([message(3, id: "a"), message(4, id: "c")])
        pool.append([message(5, id: "a")])
        #expect(pool.unpaired.map(\.uid) == [1, 2, 3, 4, 5])
        // The lowest UID of an identity first, unless a UID is preferred.
        #expect(pool.take(MessageIdentity(key: "a:100"))?.uid == 1)
        #expect(pool.take(MessageIdentity(key: "a:100"), preferring: 5)?.uid == 5)
        #expect(pool.take(MessageIdentity(key: "a:100"))?.uid == 3)
        #expect(pool.take(MessageIdentity(key: "a:100")) == nil)
        #expect(pool.take(uid: 4, size: 100)?.uid == 4)
        #expect(pool.unpaired.map(\.uid) == [2])
    }

    @Test func pairedMessagesAreLetGoWhenTheyAreMostOfThePool() throws {
        var pool = MessagePool((1...10).map { message($0, id: "m\($0)") })
        for uid in 1...8 { #expect(pool.take(MessageIdentity(key: "m\(uid):100"))?.uid == UInt32(uid)) }
        pool.append((11...12).map { message($0, id: "m\($0)") })
        #expect(pool.heldCount == 4, "the 8 paired are let go: 2 left and 2 new")
        #expect(pool.unpaired.map(\.uid) == [9, 10, 11, 12])
        #expect(pool.contains(uid: 9))
        #expect(!pool.contains(uid: 3))
        #expect(pool.take(MessageIdentity(key: "m12:100"))?.uid == 12)
    }

    @Test func aWindowBelowWhatIsHeldIsSortedIn() throws {
        var pool = MessagePool([message(5, id: "a"), message(6, id: "b")])
        pool.append([message(3, id: "a"), message(1, id: "c")])
        #expect(pool.unpaired.map(\.uid) == [1, 3, 5, 6])
        #expect(pool.take(MessageIdentity(key: "a:100"))?.uid == 3)
        #expect(pool.contains(uid: 1))
    }
}
