import IMAP
import NIOCore
import TestSupport
import Testing

/// Fixed-seed fuzzing of the response parser and the mailbox-name codec: recorded Dovecot
/// transcripts, mutated, fed whole and in random pieces. Long sessions: fuzz/README.md.
@Suite("IMAP fuzzing (fixed seed)")
struct IMAPFuzzTests {
    static let seeds = [
        Transcripts.greetingAndLogin, Transcripts.failedLogin, Transcripts.listAndNamespace,
        Transcripts.statusAndSelect, Transcripts.fetchMetadata, Transcripts.fetchBody,
        Transcripts.appendWithContinuation, Transcripts.miscellaneous,
    ].map { Array($0.utf8) }

    static let mutator = ByteMutator(tokens: [
        "{99999999999}\r\n", "{999999999999}\r\n", "{9999999999999}\r\n", "{-1}\r\n", "{5}\r\n", "{0}\r\n",
        "{300}\r\n", "~{3}\r\n", "{2+}\r\n", "{}\r\n", "* 1 FETCH (BODY[] {20}\r\n", "* 9999999999999999999 EXISTS\r\n",
        "* 1 FETCH (RFC822.SIZE 9999999999999999999)\r\n", "* STATUS x (MESSAGES 9999999999999999999)\r\n",
        "UID 4294967296", "[APPENDUID 1 1:4294967295]", "NIL", "BODY[]<0>", "&-", "&Jjo-", "&AGE-", "+ ",
        "* BYE going\r\n", "A1 OK done\r\n", String(repeating: "(", count: 100),
    ])

    @Test func responseParserSurvivesMutatedTranscripts() {
        var random = SplitMix64(seed: 0x6D61_696C_6665_7279)
        let executions = 3_000
        var violations: [String] = []
        var errors = 0
        for execution in 0..<executions {
            let input =
                execution < Self.seeds.count
                ? Self.seeds[execution] : Self.mutator.mutate(random.pick(Self.seeds), &random)
            let cuts = ByteMutator.cuts(count: input.count, &random)
            if let violation = IMAPParserProperties.check(input, cuts: cuts) {
                violations.append(
                    "execution \(execution): \(violation); input \(String(decoding: input.prefix(300), as: UTF8.self).debugDescription)"
                )
            }
            if case .success(let outcome) = IMAPParserProperties.feed([input[...]]), outcome.error != nil {
                errors += 1
            }
        }
        print(
            "fuzz imap-parser: \(executions) executions, \(violations.count) crashes/violations, \(errors) typed errors"
        )
        #expect(violations.isEmpty, "\(violations.prefix(3).joined(separator: "\n"))")
        // The mutations must actually reach the error paths, or the test proves little.
        #expect(errors > executions / 10)
    }

    @Test func modifiedUTF7RoundTripsRandomNames() {
        var random = SplitMix64(seed: 0x7574_6637)
        let executions = 20_000
        var violations: [String] = []
        for _ in 0..<executions {
            if let violation = ModifiedUTF7Properties.checkRoundTrip(ModifiedUTF7Properties.randomName(&random)) {
                violations.append(violation.description)
            }
        }
        print("fuzz utf7-roundtrip: \(executions) executions, \(violations.count) crashes/violations")
        #expect(violations.isEmpty, "\(violations.prefix(3).joined(separator: "\n"))")
    }

    @Test func modifiedUTF7DecodesRandomBytesOrThrows() {
        var random = SplitMix64(seed: 0x6465_636F_6465)
        let mutator = ByteMutator(
            tokens: ["&", "-", "&-", "&AOQ-", "&2D3eAA-", "&2D0-", "&3gA-", "&AGE-", ",", "+", "/"],
            maxLength: 256)
        let seeds = ["INBOX", "Entw&APw-rfe", "&- Pl&AOQ-ne", "~peter/mail/&U,BTFw-/&ZeVnLIqe-", "&2D3eAA-"].map {
            Array($0.utf8)
        }
        let executions = 10_000
        var violations: [String] = []
        var decoded = 0
        for _ in 0..<executions {
            let bytes = mutator.mutate(random.pick(seeds), &random)
            let wire = String(decoding: bytes, as: UTF8.self)
            if let violation = ModifiedUTF7Properties.checkDecode(wire) { violations.append(violation.description) }
            if (try? ModifiedUTF7.decode(wire)) != nil { decoded += 1 }
        }
        print("fuzz utf7-decode: \(executions) executions, \(violations.count) crashes/violations, \(decoded) decoded")
        #expect(violations.isEmpty, "\(violations.prefix(3).joined(separator: "\n"))")
        #expect(decoded > 0 && decoded < executions)
    }
}
