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

    /// `sorted` is every flag in String order, whatever mix of system flags and keywords (keywords
    /// sort before and after the backslash: "$", upper and lower case).
    @Test func sortedIsEveryFlagInStringOrder() {
        let system = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"]
        let keywords = ["$Forwarded", "NonJunk", "junk", "Zebra", "^caret", "_under", "a"]
        for mask in 0..<(1 << system.count) {
            for count in 0...3 {
                let chosen = system.indices.filter { mask & (1 << $0) != 0 }.map { system[$0] }
                let flags = MessageFlags(chosen + keywords.shuffled().prefix(count))
                #expect(flags.sorted == flags.values.sorted(), "\(flags.values)")
            }
        }
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
