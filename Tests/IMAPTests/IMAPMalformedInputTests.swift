import IMAP
import NIOCore
import Testing

@Suite("IMAP parser on malformed and oversized input")
struct IMAPMalformedInputTests {
    static let malformed: [String] = [
        "* 1 FETCH (UID abc)\r\n",
        "* 1 FETCH (UID 1\r\n",
        "* 1 FETCH (FLAGS (\\Seen)\r\n",
        "* 1 FETCH (INTERNALDATE \"32-Foo-2020 99:00:00 +0000\")\r\n",
        "* 1 FETCH (BODY[HEADER {3}\r\nabc)\r\n",
        "* LIST (\\Noselect \"/\" INBOX\r\n",
        "* LIST () \"ab\" INBOX\r\n",
        "* LIST () \"/\"\r\n",
        "* STATUS INBOX (MESSAGES x)\r\n",
        "* STATUS \"unterminated (MESSAGES 1)\r\n",
        "* NAMESPACE ((\"\" \"/\")\r\n",
        "* 99999999999999999999999 EXISTS\r\n",
        "* 18446744073709551615 EXISTS\r\n",
        "* 18446744073709551615 FETCH (UID 1)\r\n",
        "* 1 FETCH (RFC822.SIZE 18446744073709551615)\r\n",
        "* 1 FETCH (UID 4294967296)\r\n",
        "* STATUS INBOX (MESSAGES 4294967296)\r\n",
        "A1 MAYBE fine\r\n",
        "\r\n",
        "* \r\n",
        "A1\r\n",
        "* 1 FETCH (UID 1 BODY[] \"quoted\r\n",
    ]

    @Test(arguments: malformed)
    func malformedResponseIsAnErrorInEveryChunking(_ transcript: String) {
        let (outcome, disagreeing) = SplitFeeding.verify(transcript)
        #expect(disagreeing.isEmpty)
        guard case .failed(let error) = outcome else {
            Issue.record("accepted malformed input: \(outcome)")
            return
        }
        #expect(!error.isLimit)
        #expect(error.userMessage.contains("malformed"))
    }

    @Test func largeModSequencesParseAndOverflowIsAnError() {
        let large = SplitFeeding.parse([Array("* 1 FETCH (MODSEQ (9223372036854775807))\r\n".utf8)])
        #expect(
            large
                == .responses([
                    .untagged(.fetch(IMAPFetchResponse(sequenceNumber: 1, modSeq: 9_223_372_036_854_775_807)))
                ]))
        let overflow = SplitFeeding.parse([Array("* 1 FETCH (MODSEQ (18446744073709551616))\r\n".utf8)])
        guard case .failed(.parse) = overflow else {
            Issue.record("overflowing number accepted: \(overflow)")
            return
        }
    }

    @Test func lineLongerThanTheLimitIsALimitError() {
        let limits = IMAPLimits(maxLineLength: 64)
        let line = "* OK " + String(repeating: "x", count: 100) + "\r\n"
        // Even without the CRLF ever arriving, buffering stops at the limit.
        let withoutEnd = SplitFeeding.parse([Array(line.utf8.dropLast(2))], limits: limits)
        #expect(withoutEnd == .failed(.framing(.lineTooLong(limit: 64))))
        let (outcome, _) = SplitFeeding.verify(line, limits: limits)
        #expect(outcome == .failed(.framing(.lineTooLong(limit: 64))))
    }

    @Test func announcedLiteralAboveTheLimitIsRefusedBeforeItsBytes() {
        let limits = IMAPLimits(maxLiteralSize: 1000)
        let (outcome, disagreeing) = SplitFeeding.verify("* 1 FETCH (BODY[] {1001}\r\n", limits: limits)
        #expect(disagreeing.isEmpty)
        #expect(outcome == .failed(.framing(.literalTooLarge(size: 1001, limit: 1000))))
        let huge = SplitFeeding.parse([Array("* 1 FETCH (BODY[] {99999999999999999999}\r\n".utf8)])
        guard case .failed(let error) = huge else {
            Issue.record("accepted a 20-digit literal")
            return
        }
        #expect(error.isLimit)
    }

    @Test func bufferedLiteralAboveItsLimitIsRefused() {
        let limits = IMAPLimits(maxBufferedLiteralSize: 10)
        let transcript = "* LIST () \"/\" {11}\r\n"
        #expect(
            SplitFeeding.parse([Array(transcript.utf8)], limits: limits)
                == .failed(.bufferedLiteralTooLarge(size: 11, limit: 10)))
        // A streamed body is not buffered, so the same size passes.
        let body = SplitFeeding.parse([Array("* 1 FETCH (BODY[] {11}\r\nhello world)\r\n".utf8)], limits: limits)
        guard case .responses(let responses) = body else {
            Issue.record("streamed body refused: \(body)")
            return
        }
        #expect(responses.first == .fetchBodyBegin(sequenceNumber: 1, uid: nil, byteCount: 11))
    }

    @Test func randomBytesNeverCrashOrHang() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("* 0123456789(){}[]\"\\ \r\nOKNOBADFETCHLISTUID+~<>".utf8)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator)
                    ? alphabet.randomElement(using: &generator) ?? 0 : UInt8.random(in: 0...255, using: &generator)
            }
            // Any outcome is fine as long as parsing returns.
            _ = SplitFeeding.parse([bytes], limits: IMAPLimits(maxLineLength: 4096, maxLiteralSize: 1 << 20))
        }
        #expect(Bool(true), "2000 random inputs parsed without trapping")
    }

    @Test func mutatedTranscriptsNeverCrashOrHang() {
        var generator = SystemRandomNumberGenerator()
        let transcripts = [
            Transcripts.greetingAndLogin, Transcripts.listAndNamespace, Transcripts.statusAndSelect,
            Transcripts.fetchMetadata, Transcripts.fetchBody, Transcripts.appendWithContinuation,
            Transcripts.miscellaneous,
        ].map { Array($0.utf8) }
        var failures = 0
        for transcript in transcripts {
            for _ in 0..<300 {
                var bytes = transcript
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                    case 1: bytes.remove(at: index)
                    default:
                        bytes.insert(Array("(){}[]\" 09\r\n".utf8).randomElement(using: &generator) ?? 0, at: index)
                    }
                    if bytes.isEmpty { bytes = [0x2A] }
                }
                if case .failed = SplitFeeding.parse([bytes]) { failures += 1 }
            }
        }
        // Most mutations break the grammar; all of them must come back as values, not traps.
        #expect(failures > 0)
    }
}
