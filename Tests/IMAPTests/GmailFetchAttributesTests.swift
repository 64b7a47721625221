import IMAP
import NIOCore
import Testing

/// Gmail's X-GM-EXT-1 FETCH items in the shapes Gmail sends them: `X-GM-MSGID` a 64-bit number,
/// `X-GM-LABELS` a list of system labels (bare `\Inbox` or quoted `"\\Important"`), atoms, quoted
/// names with spaces, modified UTF-7 names and literals, next to the usual metadata items.
@Suite("Gmail FETCH attributes (X-GM-MSGID, X-GM-LABELS)")
struct GmailFetchAttributesTests {
    private func fetches(_ transcript: String) -> [IMAPFetchResponse] {
        let (outcome, disagreeing) = SplitFeeding.verify(transcript)
        #expect(disagreeing.isEmpty, "chunkings that disagree: \(disagreeing.prefix(5))")
        guard case .responses(let responses) = outcome else {
            Issue.record("transcript failed to parse: \(outcome)")
            return []
        }
        return responses.compactMap { response in
            if case .untagged(.fetch(let fetch)) = response { fetch } else { nil }
        }
    }

    @Test func listingWithGmailItemsBesideTheMetadata() throws {
        let transcript =
            "* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334865 "
            + "X-GM-LABELS (\"\\\\Inbox\" \"\\\\Important\" Work/Projects) UID 7 FLAGS (\\Seen) "
            + "INTERNALDATE \"17-Jul-2026 02:44:25 -0700\" RFC822.SIZE 4286 "
            + "BODY[HEADER.FIELDS (MESSAGE-ID)] {27}\r\nMessage-ID: <a@example>\r\n\r\n)\r\n"
            + "* 2 FETCH (UID 8 X-GM-MSGID 18446744073709551615 X-GM-LABELS () FLAGS () RFC822.SIZE 12)\r\n"
            + "A5 OK Success\r\n"
        let parsed = fetches(transcript)
        try #require(parsed.count == 2)
        #expect(parsed[0].gmailMessageID == 1_278_455_344_230_334_865)
        #expect(parsed[0].gmailLabels == ["\\Inbox", "\\Important", "Work/Projects"])
        #expect(parsed[0].uid == 7 && parsed[0].flags == ["\\Seen"] && parsed[0].rfc822Size == 4286)
        #expect(parsed[0].headerFields.map { String(buffer: $0) } == "Message-ID: <a@example>\r\n\r\n")
        // The largest 64-bit id, and a message without labels (archived).
        #expect(parsed[1].gmailMessageID == UInt64.max)
        #expect(parsed[1].gmailLabels == [])
    }

    @Test func labelsAsGmailsDocumentationShowsThem() throws {
        // Bare system labels, an atom, a quoted name with a space, modified UTF-7, a literal.
        let transcript =
            "* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\") UID 1)\r\n"
            + "* 2 FETCH (UID 2 X-GM-LABELS (\\Starred \"Entw&APw-rfe\" \"[Imap]/Trash\"))\r\n"
            + "* 3 FETCH (UID 3 X-GM-LABELS ({17}\r\nQuote \" and (par) \\Drafts))\r\n"
            + "* 4 FETCH (UID 4 X-GM-LABELS (\"back\\\\slash\" a]b))\r\n"
        let parsed = fetches(transcript)
        try #require(parsed.count == 4)
        #expect(parsed[0].gmailLabels == ["\\Inbox", "\\Sent", "Important", "Muy Importante"])
        #expect(parsed[0].gmailMessageID == nil)
        #expect(parsed[1].gmailLabels == ["\\Starred", "Entw&APw-rfe", "[Imap]/Trash"])
        #expect(parsed[2].gmailLabels == ["Quote \" and (par)", "\\Drafts"])
        #expect(parsed[3].gmailLabels == ["back\\slash", "a]b"])
        #expect(parsed.map(\.uid) == [1, 2, 3, 4])
    }

    @Test func malformedGmailItemsAreParseErrors() {
        for line in [
            "* 1 FETCH (X-GM-MSGID 18446744073709551616)\r\n",  // beyond 64 bits
            "* 1 FETCH (X-GM-MSGID abc)\r\n",
            "* 1 FETCH (X-GM-LABELS \\Inbox)\r\n",  // not a list
            "* 1 FETCH (X-GM-LABELS (\\Inbox)\r\n",  // list not closed
            "* 1 FETCH (X-GM-LABELS (\"open))\r\n",
        ] {
            guard case .failed = SplitFeeding.parse([Array(line.utf8)]) else {
                Issue.record("accepted: \(line)")
                continue
            }
        }
    }
}
