import Testing

@testable import MailferryCLI

@Suite struct SourceSnippetTests {
    @Test func caretSitsUnderTheColumn() {
        let snippet = SourceSnippet(line: "  protocol: imap5", column: 13)
        #expect(snippet.line == "  protocol: imap5")
        #expect(snippet.caret == "            ^")
    }

    @Test func tabsExpandInLineAndCaretAlike() {
        let snippet = SourceSnippet(line: "\tport:\t70000", column: 7)
        #expect(snippet.line == "        port:   70000")
        #expect(snippet.caret == "             ^")
        let afterTab = SourceSnippet(line: "\tport:\t70000", column: 8)
        #expect(afterTab.caret == "                ^")
    }

    @Test func wideCharactersTakeTwoCellsAndMarksNone() {
        // "名前" is two wide characters; "é" written as e + combining acute is one cell.
        #expect(SourceSnippet(line: "name: 名前x", column: 9).caret == "          ^")
        #expect(SourceSnippet(line: "e\u{301}x", column: 3).caret == " ^")
        #expect(SourceSnippet(line: "📬 inbox", column: 3).caret == "   ^")
    }

    @Test func columnPastTheEndPointsJustAfterTheLine() {
        #expect(SourceSnippet(line: "key:", column: 9).caret == "    ^")
    }

    @Test func controlCharactersAreShownAsQuestionMarks() {
        #expect(SourceSnippet(line: "a\u{1B}b", column: 3).line == "a?b")
    }
}
