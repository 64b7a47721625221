import Foundation
import MailferryCore
import Testing

@Suite("Text lines and text file decoding")
struct TextLinesTests {
    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyConventionGivesTheSameLines(terminator: String) {
        let text =
            ["alice,pw1", "", "# comment", "bob,\"p w\"", "carol,pw3"].joined(separator: terminator) + terminator
        #expect(TextLines.split(text).map(String.init) == ["alice,pw1", "", "# comment", "bob,\"p w\"", "carol,pw3"])
    }

    @Test func mixedEndingsAndNoFinalTerminator() {
        #expect(TextLines.split("a\r\nb\rc\nd").map(String.init) == ["a", "b", "c", "d"])
        #expect(TextLines.split("a\r\r\nb").map(String.init) == ["a", "", "b"], "CR then CR LF: two breaks")
        #expect(TextLines.split("a\n\r\nb").map(String.init) == ["a", "", "b"])
        #expect(TextLines.split("").isEmpty)
        #expect(TextLines.split("\r\n").map(String.init) == [""])
    }

    /// The bug behind the issue: Swift's `Character` is a whole CR LF, so this never split.
    @Test func splittingAStringAtLFDoesNotSplitCRLF() {
        #expect("a\r\nb".split(separator: "\n").count == 1)
        #expect(TextLines.split("a\r\nb").count == 2)
    }

    @Test func normalizedKeepsLinesAndTheFinalBreak() {
        #expect(TextLines.normalized("a\r\nb\r\n") == "a\nb\n")
        #expect(TextLines.normalized("a\rb") == "a\nb")
        #expect(TextLines.normalized("a\nb") == "a\nb")
    }

    @Test func utf8WithAndWithoutByteOrderMark() throws {
        #expect(try TextFileDecoding.decode(Data("é,1\r\n".utf8)).get() == "é,1\r\n")
        #expect(try TextFileDecoding.decode(Data([0xEF, 0xBB, 0xBF] + Array("a,b".utf8))).get() == "a,b")
    }

    @Test func utf16FromASpreadsheetIsRefusedWithAWayOut() {
        let littleEndian = Data([0xFF, 0xFE] + Array("a,b\r\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        guard case .failure(let failure) = TextFileDecoding.decode(littleEndian) else {
            Issue.record("UTF-16 decoded as UTF-8")
            return
        }
        #expect(failure == .utf16OrUTF32(name: "UTF-16"))
        #expect((failure.line, failure.column) == (1, 1))
        #expect(failure.message(kind: "users file").contains("CSV UTF-8"))
        #expect(failure.message(kind: "users file").contains("iconv -f UTF-16"))
        guard case .failure(let bigEndian) = TextFileDecoding.decode(Data([0xFE, 0xFF, 0x00, 0x61])) else {
            Issue.record("UTF-16 BE decoded as UTF-8")
            return
        }
        #expect(bigEndian == .utf16OrUTF32(name: "UTF-16"))
    }

    /// Windows-1252 "é" (0xE9) on the third line, after CR LF lines: located at that character.
    @Test func windows1252IsLocatedAtTheFirstInvalidByte() {
        let bytes = Array("a,1\r\nb,2\r\nren".utf8) + [0xE9] + Array(",3\r\n".utf8)
        guard case .failure(let failure) = TextFileDecoding.decode(Data(bytes)) else {
            Issue.record("Windows-1252 decoded as UTF-8")
            return
        }
        #expect(failure == .notUTF8(line: 3, column: 4, byte: 0xE9))
        #expect(failure.message(kind: "users file").contains("0xE9"))
        #expect(failure.message(kind: "users file").contains("WINDOWS-1252"))
    }

    @Test func invalidByteAfterLoneCRAndMultibyteCharacters() {
        let bytes = Array("ü\rxé".utf8) + [0xFF]
        #expect(TextFileDecoding.decode(Data(bytes)) == .failure(.notUTF8(line: 2, column: 3, byte: 0xFF)))
    }
}
