import NIOCore
import Testing

@testable import POP3

/// Events with all `.data` chunks of one body merged, so runs with different splits compare equal.
private enum Normalized: Equatable, CustomStringConvertible {
    case status(POP3Status)
    case line(String)
    case body([UInt8])
    case end

    var description: String {
        switch self {
        case .status(let status): "status(\(status.kind), \(status.code ?? "-"), \(status.text))"
        case .line(let line): "line(\(line))"
        case .body(let bytes): "body(\(String(decoding: bytes, as: UTF8.self).debugDescription))"
        case .end: "end"
        }
    }
}

/// Feeds `transcript` cut at `cuts` (ascending offsets), draining events after every piece.
private func frame(
    _ transcript: [UInt8], shapes: [POP3ResponseShape], cuts: [Int], limits: POP3Limits = POP3Limits()
) throws -> [Normalized] {
    var framer = POP3ResponseFramer(limits: limits)
    for shape in shapes { framer.expect(shape) }
    var events: [Normalized] = []
    var start = 0
    for end in cuts + [transcript.count] where end >= start {
        framer.append(ByteBuffer(bytes: transcript[start..<end]))
        start = end
        while let event = try framer.next() {
            switch event {
            case .status(let status): events.append(.status(status))
            case .line(let line): events.append(.line(line))
            case .data(let buffer):
                #expect(buffer.readableBytes > 0, "empty data chunk")
                let bytes = Array(buffer.readableBytesView)
                if case .body(let previous) = events.last {
                    events[events.count - 1] = .body(previous + bytes)
                } else {
                    events.append(.body(bytes))
                }
            case .end: events.append(.end)
            }
        }
    }
    return events
}

/// Whole, one byte at a time, and cut once at every position: all must give `expected`.
private func expectEverySplit(
    _ text: String, shapes: [POP3ResponseShape], _ expected: [Normalized],
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let bytes = Array(text.utf8)
    #expect(try frame(bytes, shapes: shapes, cuts: []) == expected, "whole", sourceLocation: sourceLocation)
    #expect(
        try frame(bytes, shapes: shapes, cuts: Array(1..<max(bytes.count, 1))) == expected, "byte by byte",
        sourceLocation: sourceLocation)
    for cut in 0...bytes.count {
        let events = try frame(bytes, shapes: shapes, cuts: [cut])
        #expect(events == expected, "cut at \(cut)", sourceLocation: sourceLocation)
        if events != expected { return }
    }
    for first in stride(from: 0, through: bytes.count, by: 5) {
        for second in first...bytes.count {
            let events = try frame(bytes, shapes: shapes, cuts: [first, second])
            #expect(events == expected, "cuts at \(first), \(second)", sourceLocation: sourceLocation)
            if events != expected { return }
        }
    }
}

private func body(_ text: String) -> Normalized { .body(Array(text.utf8)) }
private func ok(_ text: String, code: String? = nil) -> Normalized {
    .status(POP3Status(kind: .ok, code: code, text: text))
}
private func err(_ text: String, code: String? = nil) -> Normalized {
    .status(POP3Status(kind: .error, code: code, text: text))
}

@Suite("POP3ResponseFramer")
struct POP3ResponseFramerTests {
    @Test("greeting and CAPA listing, recorded from Dovecot 2.3")
    func greetingAndCapa() throws {
        let transcript =
            "+OK Dovecot (Debian) ready.\r\n"
            + "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nUSER\r\n"
            + "SASL PLAIN LOGIN\r\n.\r\n"
        try expectEverySplit(
            transcript, shapes: [.singleLine, .listing],
            [
                ok("Dovecot (Debian) ready."), ok(""),
                .line("CAPA"), .line("TOP"), .line("UIDL"), .line("RESP-CODES"), .line("PIPELINING"),
                .line("AUTH-RESP-CODE"), .line("STLS"), .line("USER"), .line("SASL PLAIN LOGIN"), .end,
            ])
    }

    @Test("RETR body is dot-unstuffed at every split, including inside CRLF and the terminator")
    func retrDotStuffing() throws {
        let transcript =
            "+OK 77 octets\r\n"
            + "Subject: dots\r\n\r\n"
            + "..leading dot\r\n"
            + "..\r\n"
            + "...\r\n"
            + ". space\r\n"
            + "middle . dot\r\n"
            + "..\r\n"
            + ".\r\n"
            + "+OK Logging out.\r\n"
        try expectEverySplit(
            transcript, shapes: [.stream, .singleLine],
            [
                ok("77 octets"),
                body("Subject: dots\r\n\r\n.leading dot\r\n.\r\n..\r\n space\r\nmiddle . dot\r\n.\r\n"),
                .end,
                ok("Logging out."),
            ])
    }

    @Test("an empty body and a body without a final line of text")
    func emptyBody() throws {
        try expectEverySplit("+OK\r\n.\r\n", shapes: [.stream], [ok(""), .end])
        try expectEverySplit("+OK 2 octets\r\n\r\n.\r\n", shapes: [.stream], [ok("2 octets"), body("\r\n"), .end])
    }

    @Test("-ERR to RETR carries no body; the next response follows")
    func errorInsteadOfBody() throws {
        try expectEverySplit(
            "-ERR [SYS/TEMP] No such message\r\n+OK 2 320\r\n", shapes: [.stream, .singleLine],
            [err("No such message", code: "SYS/TEMP"), ok("2 320")])
    }

    @Test("pipelined STAT, UIDL, LIST, LIST n, TOP n 0, QUIT")
    func pipelined() throws {
        let transcript =
            "+OK 2 320\r\n"
            + "+OK\r\n1 00000001572fa5f5\r\n2 00000002572fa5f5\r\n.\r\n"
            + "+OK 2 messages:\r\n1 120\r\n2 200\r\n.\r\n"
            + "+OK 2 200\r\n"
            + "+OK\r\nFrom: a@example\r\nSubject: hi\r\n\r\n.\r\n"
            + "+OK Logging out.\r\n"
        try expectEverySplit(
            transcript, shapes: [.singleLine, .listing, .listing, .singleLine, .stream, .singleLine],
            [
                ok("2 320"),
                ok(""), .line("1 00000001572fa5f5"), .line("2 00000002572fa5f5"), .end,
                ok("2 messages:"), .line("1 120"), .line("2 200"), .end,
                ok("2 200"),
                ok(""), body("From: a@example\r\nSubject: hi\r\n\r\n"), .end,
                ok("Logging out."),
            ])
    }

    @Test("a stuffed dot in a listing line is removed")
    func listingDot() throws {
        try expectEverySplit("+OK\r\n..odd\r\n.\r\n", shapes: [.listing], [ok(""), .line(".odd"), .end])
    }

    @Test("the body streams: bytes come out before the terminator has arrived")
    func streamsWithoutBuffering() throws {
        var framer = POP3ResponseFramer()
        framer.expect(.stream)
        framer.append(ByteBuffer(string: "+OK\r\n"))
        #expect(try framer.next() == .status(POP3Status(kind: .ok, text: "")))
        let line = String(repeating: "x", count: 1000) + "\r\n"
        var received = 0
        for _ in 0..<1000 {
            framer.append(ByteBuffer(string: line))
            while let event = try framer.next() {
                guard case .data(let chunk) = event else {
                    Issue.record("unexpected \(event)")
                    return
                }
                received += chunk.readableBytes
            }
            // Only a possible terminator start may be held back.
            #expect(framer.bufferedByteCount <= 3)
        }
        #expect(received == 1000 * line.utf8.count)
        framer.append(ByteBuffer(string: ".\r\n"))
        #expect(try framer.next() == .end)
        #expect(framer.pendingResponses == 0)
    }

    @Test("a line starting with a dot waits for the byte after it")
    func holdsBackPossibleTerminator() throws {
        var framer = POP3ResponseFramer()
        framer.expect(.stream)
        framer.append(ByteBuffer(string: "+OK\r\nabc\r\n."))
        _ = try framer.next()
        #expect(try framer.next() == .data(ByteBuffer(string: "abc\r\n")))
        #expect(try framer.next() == nil)
        framer.append(ByteBuffer(string: "\r"))
        #expect(try framer.next() == nil)
        framer.append(ByteBuffer(string: "\n"))
        #expect(try framer.next() == .end)
    }

    @Test("limits: an over-long status or listing line is its own error")
    func lineLimits() throws {
        let limits = POP3Limits(maxLineLength: 16)
        #expect(throws: POP3Error.lineTooLong(limit: 16)) {
            try frame(Array("+OK this line is far too long\r\n".utf8), shapes: [.singleLine], cuts: [], limits: limits)
        }
        // Also when the line has not ended yet: the framer does not wait forever.
        #expect(throws: POP3Error.lineTooLong(limit: 16)) {
            try frame(Array("+OK this line never ends".utf8), shapes: [.singleLine], cuts: [3, 9], limits: limits)
        }
        #expect(throws: POP3Error.lineTooLong(limit: 16)) {
            try frame(
                Array("+OK\r\n1 0123456789abcdef0123\r\n.\r\n".utf8), shapes: [.listing], cuts: [], limits: limits)
        }
        // Bodies are streamed, so their lines are not limited.
        let longBody = "+OK\r\n" + String(repeating: "y", count: 100) + "\r\n.\r\n"
        let events = try frame(Array(longBody.utf8), shapes: [.stream], cuts: [], limits: limits)
        #expect(events == [ok(""), body(String(repeating: "y", count: 100) + "\r\n"), .end])
    }

    @Test("garbage and unsolicited lines are protocol errors, not crashes")
    func protocolErrors() throws {
        #expect(throws: POP3Error.self) {
            try frame(Array("HELLO there\r\n".utf8), shapes: [.singleLine], cuts: [])
        }
        #expect(throws: POP3Error.self) {
            try frame(Array("+OK\r\n+OK again\r\n".utf8), shapes: [.singleLine], cuts: [])
        }
        #expect(throws: POP3Error.self) {
            try frame(Array("+OKAY\r\n".utf8), shapes: [.singleLine], cuts: [])
        }
    }

    @Test("a bare LF ends a status line too")
    func bareLineFeed() throws {
        try expectEverySplit("+OK hi\n", shapes: [.singleLine], [ok("hi")])
    }
}
