import Testing

@testable import POP3

@Suite("POP3Status")
struct POP3StatusTests {
    @Test(
        "status lines with and without response codes",
        arguments: [
            ("+OK", POP3Status(kind: .ok, text: "")),
            ("+OK Logged in.", POP3Status(kind: .ok, text: "Logged in.")),
            (
                "-ERR [AUTH] Authentication failed.",
                POP3Status(kind: .error, code: "AUTH", text: "Authentication failed.")
            ),
            ("-ERR [IN-USE] Mailbox locked", POP3Status(kind: .error, code: "IN-USE", text: "Mailbox locked")),
            ("-ERR [sys/temp] try later", POP3Status(kind: .error, code: "SYS/TEMP", text: "try later")),
            ("-ERR [SYS/PERM]", POP3Status(kind: .error, code: "SYS/PERM", text: "")),
            ("-ERR [not a code here", POP3Status(kind: .error, text: "[not a code here")),
            ("-ERR", POP3Status(kind: .error, text: "")),
            ("+ ", POP3Status(kind: .continuation, text: "")),
            ("+ dGVzdA==", POP3Status(kind: .continuation, text: "dGVzdA==")),
        ])
    func parses(line: String, expected: POP3Status) throws {
        #expect(try POP3Status.parse(line) == expected)
    }

    @Test("not a status line", arguments: ["", "OK", "+OKAY", "-ERROR x", "* OK imap", "+OK\tx"])
    func rejects(line: String) {
        #expect(throws: POP3Error.self) { try POP3Status.parse(line) }
    }

    @Test("serverText keeps the code for the admin")
    func serverText() throws {
        #expect(
            try POP3Status.parse("-ERR [AUTH] Authentication failed.").serverText == "[AUTH] Authentication failed.")
        #expect(try POP3Status.parse("-ERR plain").serverText == "plain")
    }
}

@Suite("POP3Status trace")
struct POP3StatusTraceTests {
    @Test("trace lines show the status as received, without control characters or SASL data")
    func trace() throws {
        #expect(try POP3Status.parse("+OK").traceDescription == "+OK")
        #expect(try POP3Status.parse("-ERR [AUTH] no").traceDescription == "-ERR [AUTH] no")
        #expect(try POP3Status.parse("+OK a\u{1B}[2Jb").traceDescription == "+OK a?[2Jb")
        #expect(try POP3Status.parse("+ c2VjcmV0").traceDescription == "+ ****")
    }
}
