import Testing

@testable import MailferryCore

@Suite struct HeaderFieldsTests {
    static let awkward = [
        "Message-ID: <a@x>\r\nSubject: plain\r\n\r\nBody: not a header\r\n",
        "message-id:<b@x>\r\nSUBJECT:  two  spaces \t\r\n",
        "Subject: folded\r\n  over\r\n\tthree lines\r\nFrom: =?UTF-8?B?w6Rs?= <a@x>\r\n",
        "Subject: Gr\u{00FC}\u{00DF}e aus K\u{00F6}ln\nDate: Fri, 7 Jul 2023 02:44:25 -0700\n",
        "no colon here\r\nFrom: after a junk line\r\n continued\r\n",
        "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom: tail without newline",
        " leading continuation\r\nSubject: s\r\r\n",
        "Message-ID:\r\nSubject: empty id\r\n",
        "Message-ID: (comment) <c@x> trailing\r\n\r\n",
    ]

    @Test func fieldsAreUnfoldedTrimmedAndNamedInLowerCase() {
        let fields = HeaderFields(parsing: Array(Self.awkward[2].utf8))
        #expect(fields.value(of: "Subject") == "folded over three lines")
        #expect(fields.value(of: "from") == "=?UTF-8?B?w6Rs?= <a@x>")
        let second = HeaderFields(parsing: Array(Self.awkward[1].utf8))
        #expect(second.value(of: "message-id") == "<b@x>")
        #expect(second.value(of: "subject") == "two  spaces")
        // The header ends at the first empty line.
        #expect(HeaderFields(parsing: Array(Self.awkward[0].utf8)).value(of: "body") == nil)
        // A line without a colon is ignored; a last line without a line break still counts.
        let junk = HeaderFields(parsing: Array(Self.awkward[4].utf8))
        #expect(junk.fields.map(\.name) == ["from"])
        #expect(junk.value(of: "from") == "after a junk line continued")
        #expect(HeaderFields(parsing: Array(Self.awkward[5].utf8)).value(of: "from") == "tail without newline")
        #expect(HeaderFields(parsing: Array(Self.awkward[6].utf8)).fields.map(\.value) == ["s"])
        #expect(
            HeaderFields(parsing: Array(Self.awkward[3].utf8)).value(of: "subject")
                == "Gr\u{00FC}\u{00DF}e aus K\u{00F6}ln")
    }

    /// Identities are stored in the journal and compared across runs: a faster parser must give the
    /// keys the earlier one gave (recorded from it).
    @Test func identitiesAreTheSameAsBefore() {
        let keys = Self.awkward.map { MessageIdentity(headers: Array($0.utf8), size: 100).key }
        #expect(keys == Self.recordedKeys)
    }

    @Test func sevenBitTextIsNormalizedExactlyAsByCharacters() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = [" ", "\t", "\r", "\n", "a", "<", ">", "@", "x", "."]
        for _ in 0..<2_000 {
            let text = String(
                (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                    alphabet.randomElement(using: &generator) ?? "a"
                })
            #expect(
                MessageIdentity.collapseWhitespace(text) == MessageIdentity.collapseWhitespaceByCharacter(text),
                "\(Array(text.utf8))")
            var reference = MessageIdentity.collapseWhitespaceByCharacter(text)
            if let open = reference.firstIndex(of: "<"), let close = reference[open...].firstIndex(of: ">") {
                reference = String(reference[open...close])
            }
            #expect(MessageIdentity.normalizeMessageID(text) == reference, "\(Array(text.utf8))")
        }
        // Other text keeps the Character rules: a blank with a combining mark is no blank.
        #expect(MessageIdentity.collapseWhitespace("a \u{301}b  c") == "a \u{301}b c")
    }

    static let recordedKeys = [
        "mid:<a@x>:100", "mid:<b@x>:100", "hdr:bc128a03927bf5f79df5a4f319e7d1a4:100",
        "hdr:32d7047784450c9dcb828b4b280f4830:100", "hdr:0279ed34c2d6531696175c3136bf56c4:100",
        "hdr:9f9580284a55708bbbf859c4524f3cd0:100", "hdr:f6baf344ef764d1483b19b987e5f8328:100",
        "hdr:8276261f8e486ff46129bbd5058a2d21:100", "mid:<c@x>:100",
    ]
}
