import MailferryCore
import Testing

struct MessageSummaryTests {
    func summary(uid: UInt32, key: String) -> MessageSummary {
        MessageSummary(
            uid: uid, sourceKey: key, size: 10, internalDate: InternalDate(secondsSince1970: 0), flags: .none,
            identity: .unread(size: 10))
    }

    @Test func anIMAPKeyHeldAsNumbersReadsBackAndEqualsTheSameKeyGivenAsText() {
        let listed = MessageSummary(
            uid: 42, uidValidity: 1_700_000_001, size: 10, internalDate: InternalDate(secondsSince1970: 0),
            flags: .none, identity: .unread(size: 10))
        #expect(listed.sourceKey == "1700000001:42")
        #expect(listed == summary(uid: 42, key: "1700000001:42"))
        #expect(Set([listed, summary(uid: 42, key: "1700000001:42")]).count == 1)
    }

    @Test func otherKeysAreKeptAsTheyAre() {
        for key in ["uidl:AB:12", "1700000001:43", "01:42", "x:42", "1641234567.M1P2.host", ""] {
            #expect(summary(uid: 42, key: key).sourceKey == key)
        }
    }

    @Test func theKeyNamesTheMessageAsListedWhenTheUIDChangesLater() {
        var message = summary(uid: 42, key: "7:42")
        message.uid = 43
        #expect(message.sourceKey == "7:42")
        message.sourceKey = "7:43"
        #expect(message == summary(uid: 43, key: "7:43"))
    }
}
