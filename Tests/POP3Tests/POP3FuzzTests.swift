import TestSupport
import Testing

@testable import POP3

/// Fixed-seed fuzzing of the response framer and line parsers: recorded Dovecot answers, mutated,
/// fed whole and in random pieces. Long sessions: fuzz/README.md.
@Suite("POP3 fuzzing (fixed seed)")
struct POP3FuzzTests {
    @Test func framerSurvivesMutatedTranscripts() {
        var random = SplitMix64(seed: 0x706F_7033)
        let executions = 4_000
        var violations: [String] = []
        var errors = 0
        let seeds = POP3FramerProperties.transcripts
        for execution in 0..<executions {
            let (text, known) = seeds[execution % seeds.count]
            let input =
                execution < seeds.count
                ? Array(text.utf8) : POP3FramerProperties.mutator.mutate(Array(text.utf8), &random)
            let shapes = POP3FramerProperties.shapes(known, &random)
            let cuts = ByteMutator.cuts(count: input.count, &random)
            if let violation = POP3FramerProperties.check(input, shapes: shapes, cuts: cuts) {
                violations.append("execution \(execution): \(violation)")
            }
            if case .success(let outcome) = POP3FramerProperties.feed([input[...]], shapes: shapes),
                outcome.error != nil
            {
                errors += 1
            }
        }
        print(
            "fuzz pop3-response: \(executions) executions, \(violations.count) crashes/violations, \(errors) typed errors"
        )
        #expect(violations.isEmpty, "\(violations.prefix(3).joined(separator: "\n"))")
        #expect(errors > executions / 20)
    }

    @Test func numbersNeverOverflow() {
        #expect(POP3Number.parse("999999999999999999") == 999_999_999_999_999_999)
        #expect(POP3Number.parse("9999999999999999999") == nil)
        #expect(POP3Number.parse("-1") == nil)
        #expect(throws: POP3Error.self) { try POP3MessageSize.parse("1 -5") }
        #expect(throws: POP3Error.self) { try POP3MailboxStatus.parse("99999999999999999999 1") }
    }
}
