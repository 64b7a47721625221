import IMAP
import NIOCore
import Testing

/// Inputs found by fuzzing (fixed-seed tests or libFuzzer, see fuzz/README.md), kept as fixtures.
@Suite("IMAP fuzzing regressions")
struct IMAPFuzzRegressionTests {
    /// `Int(UInt64)` trapped on 19-digit numbers above Int.max (message numbers, RFC822.SIZE, STATUS counts);
    /// found by the fixed-seed test, fixed on main at the same time (GrammarCursor.int, STATUS counts as UInt32).
    @Test(arguments: [
        "* 9999999999999999999 EXISTS\r\n",
        "* 9223372036854775808 FETCH (UID 1)\r\n",
        "* 1 FETCH (RFC822.SIZE 9999999999999999999)\r\n",
        "* STATUS INBOX (MESSAGES 9999999999999999999)\r\n",
        "* STATUS INBOX (UNSEEN 9223372036854775808 RECENT 1)\r\n",
    ])
    func numberAboveIntMaxIsAParseError(_ transcript: String) {
        let (outcome, disagreeing) = SplitFeeding.verify(transcript)
        #expect(disagreeing.isEmpty)
        guard case .failed(.parse(let error)) = outcome else {
            Issue.record("expected a parse error, got \(outcome)")
            return
        }
        #expect(["message-data", "number", "status-att-list"].contains(error.rule))
    }

    /// The largest Int still parses.
    @Test func intMaxIsAccepted() {
        let outcome = SplitFeeding.parse([Array("* 9223372036854775807 EXISTS\r\n".utf8)])
        #expect(outcome == .responses([.untagged(.exists(Int.max))]))
    }

    /// A line of exactly `maxLineLength` bytes whose CR arrived without its LF was refused, although
    /// the same bytes in one piece were accepted: the CR was counted against the limit.
    @Test func lineAtTheLimitIsAcceptedWhenSplitBetweenCRAndLF() {
        let limits = IMAPLimits(maxLineLength: 64)
        let line = "* OK " + String(repeating: "x", count: 59) + "\r\n"
        #expect(line.utf8.count == 66)
        let (outcome, disagreeing) = SplitFeeding.verify(line, limits: limits)
        #expect(disagreeing.isEmpty, "\(disagreeing)")
        guard case .responses(let responses) = outcome else {
            Issue.record("refused a line at the limit: \(outcome)")
            return
        }
        #expect(responses.count == 1)
    }

    /// Many literals of one response, each below `maxBufferedLiteralSize`, were collected without a
    /// bound on their total: memory grew with the line, not with the limit.
    @Test func bufferedLiteralsOfOneResponseShareTheLimit() throws {
        let limits = IMAPLimits(maxLineLength: 1024, maxLiteralSize: 1 << 16, maxBufferedLiteralSize: 256)
        let pairs = (0..<20).map { "\"k\($0)\" {200}\r\n" + String(repeating: "v", count: 200) }
        let text = "* ID (" + pairs.joined(separator: " ") + ")\r\n"
        var parser = IMAPResponseParser(limits: limits)
        var thrown: IMAPDecodingError?
        var largestBuffer = 0
        feeding: for chunk in Array(text.utf8).chunks(ofCount: 50) {
            parser.append(ByteBuffer(bytes: chunk))
            do {
                while try parser.next() != nil {}
            } catch {
                thrown = error
                break feeding
            }
            largestBuffer = max(largestBuffer, parser.bufferedByteCount)
        }
        #expect(largestBuffer <= 2 * (1024 + 1) + 256)
        #expect(thrown == .bufferedLiteralTooLarge(size: 400, limit: 256))
        // Within the limit, several literals still work.
        let small = "* ID (\"a\" {3}\r\none \"b\" {3}\r\ntwo)\r\n"
        let outcome = SplitFeeding.parse([Array(small.utf8)], limits: limits)
        #expect(outcome == .responses([.untagged(.id(["a": "one", "b": "two"]))]))
    }
}

extension Array {
    fileprivate func chunks(ofCount size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
