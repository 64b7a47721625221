import MailferryCore
import NIOCore
import Testing

@testable import MailStores

@Suite struct HeaderBlockTapTests {
    static let message = Array(
        ("Received: by mx; Mon, 7 Dec 2026 10:00:00 +0000\r\nDKIM-Signature: v=1; a=rsa-sha256;\r\n\tb=AbC\r\n"
            + "X-Subject: not this one\r\nMessage-ID: <tap@example.test>\r\n"
            + "Subject: a long\r\n folded subject\r\nFrom: a@example.test\r\n\r\nbody\r\n\r\nmore\r\n").utf8)

    /// What a listing with header fields (or `TOP n 0`) gives: the block up to the empty line.
    static func listed(_ bytes: [UInt8]) -> MessageIdentity {
        let end = HeaderBlockEnd.index(in: bytes) ?? bytes.count
        return MessageIdentity(headers: Array(bytes[..<end]), size: Int64(bytes.count))
    }

    static func tapped(_ bytes: [UInt8], chunk: Int) -> MessageIdentity? {
        let tap = HeaderBlockTap(size: Int64(bytes.count))
        var offset = 0
        while offset < bytes.count {
            tap.observe(ByteBuffer(bytes: bytes[offset..<min(offset + chunk, bytes.count)]))
            offset += chunk
        }
        tap.end()
        return tap.identity
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func theIdentityIsTheListingsInEveryChunking(chunk: Int) {
        #expect(Self.tapped(Self.message, chunk: chunk) == Self.listed(Self.message))
        let withoutMessageID = Array(
            "Date: Mon, 7 Dec 2026 10:00:00 +0000\nFrom: b@example.test\nSubject: bare LF\n\nbody\n".utf8)
        #expect(Self.tapped(withoutMessageID, chunk: chunk) == Self.listed(withoutMessageID))
        let allHeader = Array("Message-ID: <no-body@example.test>\r\nSubject: none".utf8)
        #expect(Self.tapped(allHeader, chunk: chunk) == Self.listed(allHeader))
        // No Message-ID: the hash of Date, From and Subject, whatever surrounds them.
        let oddlyWritten = Array(
            ("received: x\r\nSUBJECT : first\r\n\tcontinued\r\nnot a field\r\n more\r\nsubject: second\r\n"
                + "date: Tue, 8 Dec 2026 11:00:00 +0100\r\nX-From: no\r\nfrom: c@example.test\r\n\r\nbody").utf8)
        #expect(Self.tapped(oddlyWritten, chunk: chunk) == Self.listed(oddlyWritten))
    }

    /// Names match as an IMAP server matches `HEADER.FIELDS`: ASCII letters in any case, blanks
    /// before the colon allowed, nothing else folded (a long s is no "s").
    @Test func fieldNamesMatchInAnyASCIICaseOnly() {
        for name in ["Message-ID", "message-id ", "SUBJECT\t", "From", "dAtE"] {
            #expect(HeaderBlockTap.isIdentityField(ArraySlice(name.utf8)), "\(name)")
        }
        for name in ["X-From", "Subject2", "\u{17F}ubject", "Message-IDs", " Date", ""] {
            #expect(!HeaderBlockTap.isIdentityField(ArraySlice(name.utf8)), "\(name)")
        }
    }

    @Test func aHeaderBlockTooLongLeavesTheMessageWithoutIdentity() {
        let long = Array(
            ("X-Filler: " + String(repeating: "x", count: HeaderBlockTap.maximumHeaderBytes) + "\r\n\r\nbody").utf8)
        #expect(Self.tapped(long, chunk: 16_384) == nil)
        #expect(Self.tapped(Self.message, chunk: 5) != nil)
    }

    @Test func aMessageCutOffBeforeItsEmptyLineHasNoIdentityUntilItEnds() {
        let tap = HeaderBlockTap(size: Int64(Self.message.count))
        tap.observe(ByteBuffer(bytes: Self.message.prefix(40)))
        #expect(tap.identity == nil)
    }
}
