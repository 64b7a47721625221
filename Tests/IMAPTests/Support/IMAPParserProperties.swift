import IMAP
import NIOCore

#if canImport(TestSupport)
    import TestSupport  // SplitMix64, ByteMutator, Violation; fuzz/ compiles FuzzInput.swift in instead
#endif

/// What every byte stream must satisfy in `IMAPResponseParser`; shared by the fixed-seed property
/// tests and the libFuzzer harness (fuzz/Targets/imap-response links this file).
enum IMAPParserProperties {
    /// Small limits, so that mutations reach them: long runs, big literals, buffered literals.
    static let limits = IMAPLimits(maxLineLength: 1024, maxLiteralSize: 1 << 16, maxBufferedLiteralSize: 256)

    /// Responses with streamed body chunks merged (chunk boundaries follow the feeding), and the
    /// error that stopped decoding, if any.
    struct Outcome: Equatable {
        var responses: [IMAPResponse] = []
        var error: IMAPDecodingError?
    }

    /// Most bytes the parser may hold after it returned `nil`: a line's text (`maxLineLength`) in the
    /// grammar's buffer, a partial line (plus CR) in the framer, and the buffered literals of one response.
    static var memoryBound: Int { 2 * (limits.maxLineLength + 1) + limits.maxBufferedLiteralSize }

    /// Feeds `pieces` in order, draining after each. Returns the outcome, or a violated property.
    static func feed(_ pieces: [ArraySlice<UInt8>]) -> Result<Outcome, Violation> {
        var parser = IMAPResponseParser(limits: limits)
        var outcome = Outcome()
        let total = pieces.reduce(0) { $0 + $1.count }
        // Every event but fetchBodyBegin/End consumes input; those two need a 4-byte `{0}\n` at least.
        let callBudget = 2 * total + pieces.count + 16
        var calls = 0
        for piece in pieces {
            parser.append(ByteBuffer(bytes: piece))
            do {
                while true {
                    calls += 1
                    guard calls <= callBudget else {
                        return .failure(Violation("next() did not run dry after \(callBudget) calls (hang)"))
                    }
                    guard let response = try parser.next() else { break }
                    if case .fetchBodyBytes(var bytes) = response {
                        guard bytes.readableBytes > 0 else { return .failure(Violation("empty body chunk")) }
                        if case .fetchBodyBytes(var previous) = outcome.responses.last {
                            previous.writeBuffer(&bytes)
                            outcome.responses[outcome.responses.count - 1] = .fetchBodyBytes(previous)
                            continue
                        }
                    }
                    outcome.responses.append(response)
                }
            } catch {
                guard !error.userMessage.isEmpty else { return .failure(Violation("empty userMessage for \(error)")) }
                outcome.error = error
                return .success(outcome)
            }
            if parser.bufferedByteCount > memoryBound {
                return .failure(Violation("buffers \(parser.bufferedByteCount) bytes, more than \(memoryBound)"))
            }
        }
        return .success(outcome)
    }

    /// Whole and in `cuts` pieces: no hang, bounded memory, and the same outcome.
    static func check(_ bytes: [UInt8], cuts: [Int]) -> Violation? {
        let whole: Outcome
        switch feed([bytes[...]]) {
        case .failure(let violation): return violation
        case .success(let outcome): whole = outcome
        }
        switch feed(ByteMutator.pieces(bytes, cuts: cuts)) {
        case .failure(let violation): return violation
        case .success(let split) where split != whole:
            return Violation("split at \(cuts) gives \(split), whole gives \(whole)")
        case .success: return nil
        }
    }
}
