import Testing

@testable import POP3

@Suite("POP3 response parsers")
struct POP3ParserTests {
    @Test("greeting with an APOP timestamp (RFC 1939 example)")
    func greetingTimestamp() throws {
        let status = try POP3Status.parse("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>")
        let greeting = try POP3Greeting.parse(status)
        #expect(greeting.apopTimestamp == "<1896.697170952@dbc.mtview.ca.us>")
        #expect(greeting.text == "POP3 server ready <1896.697170952@dbc.mtview.ca.us>")
    }

    @Test("greeting without a timestamp; <...> without @ is no timestamp")
    func greetingWithout() throws {
        #expect(try POP3Greeting.parse(POP3Status.parse("+OK Dovecot (Debian) ready.")).apopTimestamp == nil)
        #expect(try POP3Greeting.parse(POP3Status.parse("+OK hello <world>")).apopTimestamp == nil)
    }

    @Test("an -ERR greeting is a refusal with the server's text")
    func greetingRefused() throws {
        #expect(throws: POP3Error.greetingRejected(serverText: "[SYS/TEMP] too many connections")) {
            try POP3Greeting.parse(POP3Status.parse("-ERR [SYS/TEMP] too many connections"))
        }
    }

    @Test("CAPA lines")
    func capabilities() {
        let capabilities = POP3Capabilities(lines: [
            "CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "stls", "USER", "SASL PLAIN login",
            "IMPLEMENTATION Example  server", "",
        ])
        #expect(capabilities.supportsSTLS)
        #expect(capabilities.supportsUIDL && capabilities.supportsTOP && capabilities.supportsUSER)
        #expect(capabilities.supportsPipelining)
        #expect(capabilities.saslMechanisms == ["PLAIN", "LOGIN"])
        #expect(capabilities.entries["IMPLEMENTATION"] == ["Example", "server"])
        #expect(!capabilities.contains("APOP"))
        #expect(POP3Capabilities(lines: []).saslMechanisms.isEmpty)
    }

    @Test("STAT")
    func stat() throws {
        #expect(try POP3MailboxStatus.parse("2 320") == POP3MailboxStatus(messageCount: 2, totalSize: 320))
        #expect(try POP3MailboxStatus.parse("0 0 empty") == POP3MailboxStatus(messageCount: 0, totalSize: 0))
        for bad in ["", "2", "two 320", "2  320", "-1 5", "2 99999999999999999999999"] {
            #expect(throws: POP3Error.self, "\(bad)") { try POP3MailboxStatus.parse(bad) }
        }
    }

    @Test("UIDL lines and single answers")
    func uidl() throws {
        #expect(try POP3UniqueID.parse("1 00000001572fa5f5") == POP3UniqueID(messageNumber: 1, uid: "00000001572fa5f5"))
        #expect(
            try POP3UniqueID.parse("12 whqtswO00WBw418f9t5JxYwZ")
                == POP3UniqueID(messageNumber: 12, uid: "whqtswO00WBw418f9t5JxYwZ"))
        #expect(try POP3UniqueID.parse("3 a~!b") == POP3UniqueID(messageNumber: 3, uid: "a~!b"))
        for bad in ["", "1", "1 ", "0 abc", "x abc", "1 ab\u{7F}", "1 äb"] {
            #expect(throws: POP3Error.self, "\(bad)") { try POP3UniqueID.parse(bad) }
        }
    }

    @Test("LIST lines and single answers")
    func list() throws {
        #expect(try POP3MessageSize.parse("1 120") == POP3MessageSize(messageNumber: 1, size: 120))
        #expect(try POP3MessageSize.parse("2 200 extra") == POP3MessageSize(messageNumber: 2, size: 200))
        for bad in ["", "1", "0 5", "1 -5", "a b"] {
            #expect(throws: POP3Error.self, "\(bad)") { try POP3MessageSize.parse(bad) }
        }
    }
}
