import NIOCore
import Testing

@testable import IMAP

@Suite struct MetadataCollectorTests {
    func fetch(_ uid: UInt32, flags: [String]? = nil, size: Int? = nil, header: String? = nil) -> IMAPUntaggedResponse {
        var sections: [String: IMAPFetchResponse.BodyValue] = [:]
        if let header { sections["HEADER.FIELDS (MESSAGE-ID)"] = .bytes(ByteBuffer(string: header)) }
        return .fetch(
            IMAPFetchResponse(
                sequenceNumber: Int(uid), uid: uid, flags: flags, rfc822Size: size, bodySections: sections))
    }

    @Test func eachMessageIsTransformedOnceAsItsSolicitedResponseArrives() {
        let collector = MetadataCollector { "\($0.uid):\($0.size ?? -1):\($0.flags.joined(separator: ","))" }
        collector.take(fetch(1, flags: ["\\Seen", "\\Recent"], size: 10))
        collector.take(fetch(2, flags: [], size: 20, header: "Message-ID: <2@x>\r\n\r\n"))
        collector.take(.fetch(IMAPFetchResponse(sequenceNumber: 9, flags: ["\\Deleted"])))  // no UID: not ours
        let (items, updates, ordered) = collector.finish()
        #expect(items == ["1:10:\\Seen", "2:20:"])  // \Recent is session state, dropped
        #expect(updates.isEmpty)
        #expect(ordered)
    }

    @Test func aFlagChangeBeforeTheSolicitedResponseIsMergedAndOneAfterItIsReported() {
        let collector = MetadataCollector { ($0.uid, $0.flags, $0.size) }
        collector.take(fetch(5, flags: ["\\Flagged"]))  // unsolicited, before the listing reached UID 5
        collector.take(fetch(3, flags: ["\\Seen"], size: 30))
        collector.take(fetch(5, flags: ["\\Seen"], size: 50))
        collector.take(fetch(3, flags: ["\\Answered"]))  // unsolicited, after UID 3 was handed over
        let (items, updates, ordered) = collector.finish()
        #expect(items.map(\.0) == [3, 5])
        #expect(items.map(\.1) == [["\\Seen"], ["\\Seen"]])
        #expect(items.map(\.2) == [30, 50])
        #expect(updates == [3: ["\\Answered"]])
        #expect(ordered)
    }

    @Test func outOfOrderResponsesAndMessagesWithoutSizeAreStillDelivered() {
        // An absurd EXISTS only reserves up to a bound.
        let collector = MetadataCollector(expected: Int.max) { $0.uid }
        collector.take(fetch(7, flags: [], size: 1))
        collector.take(fetch(4, flags: [], size: 1))
        collector.take(fetch(9, flags: ["\\Seen"]))  // a server that never sends RFC822.SIZE for it
        let (items, _, ordered) = collector.finish()
        #expect(items == [7, 4, 9])
        #expect(!ordered)
    }
}
