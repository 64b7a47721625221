import MailTransport
import NIOCore
import TestSupport
import Testing

@testable import IMAP

/// User names, passwords and folder names with quotes, backslashes, CR, LF, NUL, braces and
/// non-ASCII: sent as correct quoted strings or literals, or refused; never a second command.
@Suite("IMAP injection", .timeLimit(.minutes(5)))
struct IMAPInjectionTests {
    static let evilPassword = "\"\r\na002 DELETE INBOX\r\n"

    private func wire(_ encoded: IMAPEncodedCommand) -> String {
        encoded.steps.map { step -> String in
            switch step {
            case .send(let bytes): String(buffer: bytes)
            case .awaitContinuation: "<wait +>"
            case .streamLiteral(let count): "<stream \(count)>"
            }
        }.joined()
    }

    private func encode(_ build: (inout IMAPCommand) -> Void, literalPlus: Bool = false) throws -> String {
        var command = IMAPCommand("X")
        build(&command)
        return wire(try IMAPCommandEncoder(literalPlus: literalPlus).encode(command, tag: "A1"))
    }

    private func login(_ user: String, _ password: String, literalPlus: Bool = false) throws -> String {
        try encode(
            {
                $0.syntax("LOGIN ")
                $0.astring(user)
                $0.space()
                $0.astring(password, secret: true)
            }, literalPlus: literalPlus)
    }

    // MARK: - Exact bytes

    @Test func passwordWithCRLFAndACommandIsOneLiteral() throws {
        let count = Self.evilPassword.utf8.count
        #expect(
            try login("alice", Self.evilPassword) == "A1 LOGIN alice {\(count)}\r\n<wait +>\(Self.evilPassword)\r\n")
        #expect(
            try login("alice", Self.evilPassword, literalPlus: true)
                == "A1 LOGIN alice {\(count)+}\r\n\(Self.evilPassword)\r\n")
    }

    @Test func quotesBackslashesAndBracesAreQuoted() throws {
        #expect(try login("al\"ice", "p\\w") == "A1 LOGIN \"al\\\"ice\" \"p\\\\w\"\r\n")
        // A brace is not an atom character: "{5}" must not read as a literal announcement.
        #expect(try login("{5}", "a}b{") == "A1 LOGIN \"{5}\" \"a}b{\"\r\n")
        #expect(try login("bob\\", "\"") == "A1 LOGIN \"bob\\\\\" \"\\\"\"\r\n")
    }

    @Test func nonASCIIAndLoneCROrLFAreLiterals() throws {
        #expect(try login("jürgen", "pw") == "A1 LOGIN {7}\r\n<wait +>jürgen pw\r\n")
        #expect(try login("alice", "a\rb") == "A1 LOGIN alice {3}\r\n<wait +>a\rb\r\n")
        #expect(try login("alice", "a\nb", literalPlus: true) == "A1 LOGIN alice {3+}\r\na\nb\r\n")
    }

    @Test func nulIsRefusedWithAClearError() throws {
        #expect(throws: IMAPEncodingError.nulInString) { try login("ali\0ce", "pw") }
        #expect(throws: IMAPEncodingError.nulInString) { try login("alice", "p\0w") }
        #expect(IMAPError.encoding(.nulInString).userMessage.localizedCaseInsensitiveContains("NUL"))
    }

    @Test func folderNamesWithControlCharactersAreModifiedUTF7() throws {
        // RFC 3501 5.1.3: everything outside printable US-ASCII is base64 inside "&...-", CR and LF included.
        #expect(
            try encode {
                $0.syntax("CREATE ")
                $0.mailbox("Evil\r\nA2 DELETE INBOX")
            } == "A1 CREATE \"Evil&AA0ACg-A2 DELETE INBOX\"\r\n")
        #expect(
            try encode {
                $0.syntax("CREATE ")
                $0.mailbox("N\0L")
            } == "A1 CREATE N&AAA-L\r\n")
        #expect(
            try encode {
                $0.syntax("CREATE ")
                $0.mailbox("{5}\r\n")
            } == "A1 CREATE \"{5}&AA0ACg-\"\r\n")
        #expect(
            try encode {
                $0.syntax("CREATE ")
                $0.mailbox("Q\"uo\\te")
            } == "A1 CREATE \"Q\\\"uo\\\\te\"\r\n")
    }

    // MARK: - Against Dovecot

    @Test func injectedCommandInAPasswordIsOnlyAWrongPassword() async throws {
        try await DovecotSession.withServer { server in
            let seeding = try await DovecotSession.login(server)
            _ = try await seeding.append(
                to: "INBOX", IMAPAppendMessage(source: .buffer(ByteBuffer(string: "Subject: x\r\n\r\nkeep\r\n"))))
            try await seeding.logout()

            for security in [IMAPConnectionSecurity.implicitTLS, .plain(starttls: .never)] {
                let client = try await IMAPClient.connect(
                    DovecotSession.configuration(server, security: security, allowPlaintextLogin: true))
                for (user, password) in [
                    ("alice", Self.evilPassword), ("al\"ice\\", "x"), ("{3}\r\n", "x"), ("jürgen", "pässwörd"),
                ] {
                    let error = await #expect(throws: IMAPError.self) {
                        try await client.login(user: user, password: password)
                    }
                    guard case .loginFailed? = error else {
                        Issue.record("\(user): expected a failed login, got \(String(describing: error))")
                        continue
                    }
                }
                // The session is still in step with the server: the right password works on it.
                try await client.login(user: "alice", password: "alicepw")
                #expect(try await client.status("INBOX").messages == 1)
                try await client.logout()
            }
        }
    }

    @Test func folderNamesWithLineBreaksCannotInjectCommands() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            _ = try await client.append(
                to: "INBOX", IMAPAppendMessage(source: .buffer(ByteBuffer(string: "Subject: x\r\n\r\nkeep\r\n"))))
            let names = ["Evil\r\nA999 DELETE INBOX", "Brace {5}", "Quote\" \\ back", "Tab\there"]
            var created: [String] = []
            for name in names {
                do {
                    try await client.create(name)
                    created.append(name)
                } catch {
                    // A refusal is fine as long as it is the server's NO for this command.
                    guard case .commandFailed("CREATE", .no, _)? = error as? IMAPError else {
                        Issue.record("\(name.debugDescription): \(error)")
                        continue
                    }
                }
            }
            let listed = Set(try await client.listMailboxes().map(\.name))
            for name in created { #expect(listed.contains(name), "\(name.debugDescription) not listed as created") }
            #expect(!listed.contains("A999 DELETE INBOX"))
            #expect(try await client.status("INBOX").messages == 1)
            try await client.logout()
        }
    }
}
