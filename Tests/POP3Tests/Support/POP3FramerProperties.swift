import NIOCore
import POP3

#if canImport(TestSupport)
    import TestSupport  // SplitMix64, ByteMutator, Violation; fuzz/ compiles FuzzInput.swift in instead
#endif

/// What every byte stream must satisfy in `POP3ResponseFramer` and the POP3 line parsers; shared by
/// the fixed-seed property tests and the libFuzzer harness (fuzz/Targets/pop3-response links this file).
enum POP3FramerProperties {
    static let limits = POP3Limits(maxLineLength: 512, maxHeaderBytes: 4096, maxListingLines: 1000)

    /// Dovecot 2.3 answers, each with the shapes its commands announce.
    static let transcripts: [(String, [POP3ResponseShape])] = [
        (
            "+OK Dovecot (Debian) ready. <1896.697170952@dbc.mtview.ca.us>\r\n"
                + "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nUSER\r\n"
                + "SASL PLAIN LOGIN\r\n.\r\n+OK\r\n+OK Logged in.\r\n",
            [.singleLine, .listing, .singleLine, .singleLine]
        ),
        (
            "+OK 2 320\r\n+OK\r\n1 00000001572fa5f5\r\n2 00000002572fa5f5\r\n.\r\n+OK 2 messages:\r\n1 120\r\n2 200\r\n.\r\n"
                + "+OK 1 00000001572fa5f5\r\n+OK 2 200\r\n",
            [.singleLine, .listing, .listing, .singleLine, .singleLine]
        ),
        (
            "+OK 77 octets\r\nSubject: dots\r\n\r\n..leading dot\r\n..\r\n...\r\n. space\r\nmiddle . dot\r\n..\r\n.\r\n"
                + "+OK\r\nFrom: a@example\r\nSubject: top\r\n\r\n.\r\n+OK Logging out.\r\n",
            [.stream, .stream, .singleLine]
        ),
        (
            "-ERR [AUTH] Authentication failed.\r\n-ERR [SYS/TEMP] No such message\r\n+ \r\n+ dGVzdA==\r\n"
                + "-ERR [IN-USE] locked\r\n+OK\r\n\r\n.\r\n",
            [.singleLine, .stream, .singleLine, .singleLine, .listing, .stream]
        ),
    ]

    static let mutator = ByteMutator(tokens: [
        "\r\n.\r\n", ".\r\n", "..", ".\r", "\r.", "+OK ", "-ERR ", "+ ", "+OKAY", "[", "]", "[SYS/TEMP]",
        "1 -5\r\n", "-1 2\r\n", "99999999999999999999 1\r\n", "1 999999999999999999\r\n", "0 x\r\n", "1 \u{1}\r\n",
        "+OK 9999999999999999999 1\r\n", "<a@b>", "<", ">",
    ])

    /// Events with the chunks of one body merged (their boundaries follow the feeding).
    enum Event: Equatable {
        case status(POP3Status)
        case line(String)
        case body([UInt8])
        case end
    }

    struct Outcome: Equatable {
        var events: [Event] = []
        var error: POP3Error?
    }

    /// A shape sequence: the transcript's own, then random ones for what mutations add.
    static func shapes(_ known: [POP3ResponseShape], _ random: inout SplitMix64) -> [POP3ResponseShape] {
        known + (0..<16).map { _ in random.pick([POP3ResponseShape.singleLine, .listing, .stream]) }
    }

    static func feed(_ pieces: [ArraySlice<UInt8>], shapes: [POP3ResponseShape]) -> Result<Outcome, Violation> {
        var framer = POP3ResponseFramer(limits: limits)
        for shape in shapes { framer.expect(shape) }
        var outcome = Outcome()
        let total = pieces.reduce(0) { $0 + $1.count }
        let callBudget = 2 * total + pieces.count + 16
        var calls = 0
        for piece in pieces {
            framer.append(ByteBuffer(bytes: piece))
            do {
                while true {
                    calls += 1
                    guard calls <= callBudget else {
                        return .failure(Violation("next() did not run dry after \(callBudget) calls (hang)"))
                    }
                    guard let event = try framer.next() else { break }
                    switch event {
                    case .status(let status):
                        exerciseParsers(status.text)
                        _ = try? POP3Greeting.parse(status)
                        _ = status.traceDescription
                        outcome.events.append(.status(status))
                    case .line(let line):
                        exerciseParsers(line)
                        _ = POP3Capabilities(lines: [line])
                        outcome.events.append(.line(line))
                    case .data(let buffer):
                        guard buffer.readableBytes > 0 else { return .failure(Violation("empty data chunk")) }
                        let bytes = Array(buffer.readableBytesView)
                        if case .body(let previous) = outcome.events.last {
                            outcome.events[outcome.events.count - 1] = .body(previous + bytes)
                        } else {
                            outcome.events.append(.body(bytes))
                        }
                    case .end:
                        outcome.events.append(.end)
                    }
                }
            } catch {
                guard !error.userMessage.isEmpty else { return .failure(Violation("empty userMessage for \(error)")) }
                outcome.error = error
                return .success(outcome)
            }
            // A partial line (and its CR) at most; inside a body, at most ".\r" waiting for its LF.
            if framer.bufferedByteCount > limits.maxLineLength + 1 {
                return .failure(Violation("buffers \(framer.bufferedByteCount) bytes, more than the line limit"))
            }
        }
        return .success(outcome)
    }

    /// The line parsers the client applies to status texts and listing lines: typed error or value.
    private static func exerciseParsers(_ text: String) {
        if let status = try? POP3MailboxStatus.parse(text), status.messageCount < 0 || status.totalSize < 0 {
            preconditionFailure("negative STAT figures from \(text.debugDescription)")
        }
        if let size = try? POP3MessageSize.parse(text), size.messageNumber < 1 || size.size < 0 {
            preconditionFailure("invalid LIST figures from \(text.debugDescription)")
        }
        if let uid = try? POP3UniqueID.parse(text), uid.messageNumber < 1 || uid.uid.isEmpty {
            preconditionFailure("invalid UIDL line from \(text.debugDescription)")
        }
    }

    static func check(_ bytes: [UInt8], shapes: [POP3ResponseShape], cuts: [Int]) -> Violation? {
        let whole: Outcome
        switch feed([bytes[...]], shapes: shapes) {
        case .failure(let violation): return violation
        case .success(let outcome): whole = outcome
        }
        switch feed(ByteMutator.pieces(bytes, cuts: cuts), shapes: shapes) {
        case .failure(let violation): return violation
        case .success(let split) where split != whole:
            return Violation("split at \(cuts) gives \(split), whole gives \(whole)")
        case .success: return nil
        }
    }
}
