import NIOCore
import Testing

@testable import POP3

private func wire(_ command: POP3Command) throws -> String {
    var buffer = ByteBuffer()
    try command.encode(into: &buffer)
    return String(buffer: buffer)
}

@Suite("POP3Command")
struct POP3CommandTests {
    @Test("command lines end in CRLF")
    func encodes() throws {
        #expect(try wire(.capa) == "CAPA\r\n")
        #expect(try wire(.stls) == "STLS\r\n")
        #expect(try wire(.user("alice@example.com")) == "USER alice@example.com\r\n")
        #expect(try wire(.pass("pa ss")) == "PASS pa ss\r\n")
        #expect(try wire(.stat) == "STAT\r\n")
        #expect(try wire(.uidl(nil)) == "UIDL\r\n")
        #expect(try wire(.uidl(3)) == "UIDL 3\r\n")
        #expect(try wire(.list(nil)) == "LIST\r\n")
        #expect(try wire(.list(7)) == "LIST 7\r\n")
        #expect(try wire(.top(2, lines: 0)) == "TOP 2 0\r\n")
        #expect(try wire(.retr(1)) == "RETR 1\r\n")
        #expect(try wire(.noop) == "NOOP\r\n")
        #expect(try wire(.quit) == "QUIT\r\n")
    }

    @Test("AUTH PLAIN carries authzid NUL authcid NUL password in base64 (RFC 4616)")
    func authPlain() throws {
        #expect(
            try wire(.authPlain(authzid: nil, authcid: "tim", password: "tanstaaftanstaaf"))
                == "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n")
        #expect(
            try wire(.authPlain(authzid: "alice", authcid: "admin", password: "adminpw"))
                == "AUTH PLAIN YWxpY2UAYWRtaW4AYWRtaW5wdw==\r\n")
        #expect(POP3Command.base64(Array("a".utf8)) == "YQ==")
        #expect(POP3Command.base64(Array("ab".utf8)) == "YWI=")
        #expect(POP3Command.base64(Array("abc".utf8)) == "YWJj")
        #expect(POP3Command.base64([]) == "")
        #expect(POP3Command.base64([0xFF, 0xFE, 0xFD, 0x00]) == "//79AA==")
    }

    @Test("CR, LF and NUL in arguments are refused: no command injection")
    func refusesInjection() {
        for evil in ["alice\r\nDELE 1", "alice\nQUIT", "alice\rx", "al\0ice"] {
            #expect(throws: POP3Error.self) { try wire(.user(evil)) }
            #expect(throws: POP3Error.self) { try wire(.pass(evil)) }
        }
        #expect(throws: POP3Error.self) { try wire(.authPlain(authzid: "a\0b", authcid: "admin", password: "pw")) }
        #expect(throws: POP3Error.self) { try wire(.authPlain(authzid: nil, authcid: "admin", password: "p\0w")) }
        #expect(throws: POP3Error.self) { try wire(.user("")) }
        #expect(throws: POP3Error.self) { try wire(.retr(0)) }
        #expect(throws: POP3Error.self) { try wire(.top(1, lines: -1)) }
    }

    @Test("the trace never shows a password or a SASL response")
    func redaction() {
        #expect(POP3Command.pass("s3cret").redactedDescription == "PASS ****")
        let auth = POP3Command.authPlain(authzid: "alice", authcid: "admin", password: "s3cret")
        #expect(auth.redactedDescription == "AUTH PLAIN ****")
        #expect(!auth.redactedDescription.contains("YWxpY2"))
        #expect(POP3Command.user("alice").redactedDescription == "USER alice")
        #expect(POP3Command.retr(4).redactedDescription == "RETR 4")
    }

    @Test("response shapes")
    func shapes() {
        #expect(POP3Command.capa.responseShape == .listing)
        #expect(POP3Command.uidl(nil).responseShape == .listing)
        #expect(POP3Command.uidl(1).responseShape == .singleLine)
        #expect(POP3Command.list(nil).responseShape == .listing)
        #expect(POP3Command.retr(1).responseShape == .stream)
        #expect(POP3Command.top(1, lines: 0).responseShape == .stream)
        #expect(POP3Command.stat.responseShape == .singleLine)
    }
}
