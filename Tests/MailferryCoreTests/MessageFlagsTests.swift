import MailferryCore
import Testing

@Suite struct MessageFlagsTests {
    @Test func systemFlagsAreCaseInsensitiveWithOneSpellingAndRecentIsDropped() {
        let flags = MessageFlags(["\\SEEN", "\\flagged", "\\Recent", "\\Unknown", "$Label1"])
        #expect(flags.values == ["\\Seen", "\\Flagged", "$Label1"])
        #expect(flags.system == ["\\Seen", "\\Flagged"])
        #expect(flags.keywords == ["$Label1"])
        #expect(flags.sorted == ["$Label1", "\\Flagged", "\\Seen"])
        #expect(flags.description == "($Label1 \\Flagged \\Seen)")
    }

    @Test func equalityAndHashingIgnoreOrderRepeatsAndSpelling() {
        let a = MessageFlags(["NonJunk", "\\Seen", "$Forwarded", "NonJunk", "\\Draft"])
        let b = MessageFlags(["\\draft", "$Forwarded", "\\seen", "NonJunk"])
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(a != MessageFlags(["\\Seen", "\\Draft", "$Forwarded"]))
        #expect(MessageFlags([String]()) == .none)
        #expect(MessageFlags.none.values.isEmpty)
    }

    @Test func withoutKeywordsKeepsEverySystemFlag() {
        let all = MessageFlags(["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "$Junk"])
        #expect(all.withoutKeywords == MessageFlags(["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"]))
        #expect(all.withoutKeywords.keywords.isEmpty)
        #expect(all.system.count == 5)
    }
}
