import IMAP
import MailferryCore
import NIOCore
import Testing

@testable import MailStores

/// What a Gmail listing (X-GM-EXT-1) puts into a message summary.
@Suite struct GmailSummaryTests {
    func metadata(flags: [String], id: UInt64?, labels: [String]?) -> IMAPMessageMetadata {
        IMAPMessageMetadata(
            uid: 7, flags: flags, internalDate: nil, size: 120, modSeq: nil, headerFields: ByteBuffer(),
            gmailMessageID: id, gmailLabels: labels)
    }

    /// Modified UTF-7 labels are decoded; one that is not valid modified UTF-7 is kept as sent.
    @Test func labelsAreDecodedAndStarredIsFlagged() {
        let summary = IMAPSummaries.summary(
            metadata(flags: ["\\Seen"], id: 42, labels: ["\\Starred", "Entw&APw-rfe", "Work/Projects", "bad&-x&Jjo"]),
            uidValidity: 3, identified: false)
        #expect(
            summary.gmail
                == GmailMessage(messageID: 42, labels: ["\\Starred", "Entwürfe", "Work/Projects", "bad&-x&Jjo"]))
        #expect(summary.gmail?.key == "gm:42")
        #expect(summary.flags == MessageFlags(["\\Seen", "\\Flagged"]))
        #expect(summary.identity.isUnread)
    }

    @Test func withoutGmailAttributesNothingChanges() {
        let summary = IMAPSummaries.summary(metadata(flags: ["\\Seen"], id: nil, labels: nil), uidValidity: 3)
        #expect(summary.gmail == nil)
        #expect(summary.flags == MessageFlags(["\\Seen"]))
    }
}
