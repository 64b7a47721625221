import NIOCore
import Testing

@testable import IMAP

@Suite("IMAP command encoder")
struct IMAPCommandEncoderTests {
    private func wire(_ encoded: IMAPEncodedCommand) -> String {
        encoded.steps.map { step -> String in
            switch step {
            case .send(let bytes): String(buffer: bytes)
            case .awaitContinuation: "<wait +>"
            case .streamLiteral(let count): "<stream \(count)>"
            }
        }.joined()
    }

    private func login(_ user: String, _ password: String, literalPlus: Bool) throws -> IMAPEncodedCommand {
        var command = IMAPCommand("LOGIN")
        command.syntax("LOGIN ")
        command.astring(user)
        command.space()
        command.astring(password, secret: true)
        return try IMAPCommandEncoder(literalPlus: literalPlus).encode(command, tag: "A1")
    }

    @Test func choosesAtomQuotedOrLiteral() throws {
        #expect(try IMAPCommandEncoder.form(of: Array("alice".utf8)) == .atom)
        #expect(try IMAPCommandEncoder.form(of: Array("alice*admin".utf8)) == .quoted)
        #expect(try IMAPCommandEncoder.form(of: Array("".utf8)) == .quoted)
        #expect(try IMAPCommandEncoder.form(of: Array("nil".utf8)) == .quoted)
        #expect(try IMAPCommandEncoder.form(of: Array("two words".utf8)) == .quoted)
        #expect(try IMAPCommandEncoder.form(of: Array("a\"b\\c".utf8)) == .quoted)
        #expect(try IMAPCommandEncoder.form(of: Array("pässword".utf8)) == .literal)
        #expect(try IMAPCommandEncoder.form(of: Array("line\r\nbreak".utf8)) == .literal)
        #expect(
            try IMAPCommandEncoder.form(of: [UInt8](repeating: UInt8(ascii: "a"), count: 2000) + [0x20]) == .literal)
        #expect(throws: IMAPEncodingError.nulInString) { try IMAPCommandEncoder.form(of: [0x61, 0, 0x62]) }
    }

    @Test func quotesEscapeQuotesAndBackslashes() throws {
        let encoded = try login("alice", "p\"w\\d", literalPlus: false)
        #expect(wire(encoded) == "A1 LOGIN alice \"p\\\"w\\\\d\"\r\n")
        #expect(encoded.steps.count == 1, "a whole command is one write")
    }

    @Test func literalPlusIsSentWithoutWaiting() throws {
        let encoded = try login("alice", "pässwörd", literalPlus: true)
        #expect(wire(encoded) == "A1 LOGIN alice {10+}\r\npässwörd\r\n")
        #expect(!encoded.steps.contains(.awaitContinuation))
    }

    @Test func synchronizingLiteralWaitsForContinuation() throws {
        let encoded = try login("alice", "pässwörd", literalPlus: false)
        #expect(wire(encoded) == "A1 LOGIN alice {10}\r\n<wait +>pässwörd\r\n")
    }

    @Test(arguments: ["plainpw", "two words", "pässwörd", "with\"quote", "new\r\nline"])
    func traceNeverShowsThePassword(_ password: String) throws {
        for literalPlus in [true, false] {
            let encoded = try login("alice", password, literalPlus: literalPlus)
            #expect(!encoded.trace.contains(password))
            #expect(!encoded.trace.contains(String(password.prefix(3))))
            #expect(encoded.trace.contains("<redacted>"))
            #expect(encoded.trace.hasPrefix("A1 LOGIN alice "))
            // The secret's length is not revealed either.
            #expect(!encoded.trace.contains("{\(password.utf8.count)"))
        }
    }

    @Test func saslInitialResponseIsRedacted() throws {
        let command = IMAPCommand(
            "AUTHENTICATE", [.syntax("AUTHENTICATE PLAIN "), .secretSyntax("AGFsaWNlAHNlY3JldA==")])
        let encoded = try IMAPCommandEncoder(literalPlus: true).encode(command, tag: "A2")
        #expect(wire(encoded) == "A2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n")
        #expect(encoded.trace == "A2 AUTHENTICATE PLAIN <redacted>")
    }

    @Test func mailboxNamesAreModifiedUTF7() throws {
        var command = IMAPCommand("CREATE")
        command.syntax("CREATE ")
        command.mailbox("Entwürfe & \"Pläne\"")
        let encoded = try IMAPCommandEncoder(literalPlus: false).encode(command, tag: "A3")
        #expect(wire(encoded) == "A3 CREATE \"Entw&APw-rfe &- \\\"Pl&AOQ-ne\\\"\"\r\n")
    }

    @Test func appendStreamsLiteralsWithOrWithoutLiteralPlus() throws {
        var command = IMAPCommand("APPEND")
        command.syntax("APPEND INBOX (\\Seen) \"07-Jul-2023 02:44:25 -0700\" ")
        command.parts.append(.streamedLiteral(byteCount: 5))
        command.syntax(" () ")
        command.parts.append(.streamedLiteral(byteCount: 7))
        let plus = try IMAPCommandEncoder(literalPlus: true).encode(command, tag: "A4")
        #expect(
            wire(plus)
                == "A4 APPEND INBOX (\\Seen) \"07-Jul-2023 02:44:25 -0700\" {5+}\r\n<stream 5> () {7+}\r\n<stream 7>\r\n"
        )
        let sync = try IMAPCommandEncoder(literalPlus: false).encode(command, tag: "A4")
        #expect(
            wire(sync)
                == "A4 APPEND INBOX (\\Seen) \"07-Jul-2023 02:44:25 -0700\" {5}\r\n<wait +><stream 5> () {7}\r\n<wait +><stream 7>\r\n"
        )
    }

    @Test(arguments: [true, false])
    func withoutTracingTheWireIsTheSameAndNoTraceIsBuilt(literalPlus: Bool) throws {
        var command = IMAPCommand("APPEND")
        command.syntax("APPEND ")
        command.mailbox("Entwürfe")
        command.syntax(" (\\Seen) ")
        command.astring("quoted value")
        command.space()
        command.astring("multi\r\nline")
        command.space()
        command.astring("hunter2", secret: true)
        command.space()
        command.parts.append(.streamedLiteral(byteCount: 12_345))
        var encoder = IMAPCommandEncoder(literalPlus: literalPlus)
        let traced = try encoder.encode(command, tag: "A9")
        encoder.tracing = false
        let untraced = try encoder.encode(command, tag: "A9")
        #expect(untraced.steps == traced.steps)
        #expect(
            wire(untraced).contains(literalPlus ? "{12345+}\r\n<stream 12345>" : "{12345}\r\n<wait +><stream 12345>"))
        #expect(traced.trace.hasPrefix("A9 APPEND "))
        #expect(!traced.trace.contains("hunter2"))
        #expect(untraced.trace.isEmpty)
    }

    @Test func stringPartsAreNeverAtoms() throws {
        let command = IMAPCommand(
            "ID",
            [
                .syntax("ID ("), .string(Array("name".utf8)), .syntax(" "), .string(Array("mailferry".utf8)),
                .syntax(")"),
            ])
        let encoded = try IMAPCommandEncoder(literalPlus: true).encode(command, tag: "A5")
        #expect(wire(encoded) == "A5 ID (\"name\" \"mailferry\")\r\n")
    }

    @Test func syntaxWithLineBreaksIsRefused() {
        let command = IMAPCommand("X", [.syntax("NOOP\r\nA9 DELETE INBOX")])
        #expect(throws: IMAPEncodingError.self) { try IMAPCommandEncoder(literalPlus: true).encode(command, tag: "A6") }
    }

    @Test func uidSetsAreCompressed() {
        #expect(IMAPUIDSet.render([5, 1, 2, 3, 9, 10]) == "1:3,5,9:10")
        #expect(IMAPUIDSet.render(1...UInt32.max) == "1:*")
        #expect(IMAPUIDSet.render(7...7) == "7")
    }

    @Test func base64MatchesRFC4648() {
        #expect(Base64.encode(Array("".utf8)) == "")
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("\u{0}admin\u{0}pw".utf8)) == "AGFkbWluAHB3")
    }
}
