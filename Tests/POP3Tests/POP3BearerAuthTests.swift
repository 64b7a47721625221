import Foundation
import MailTransport
import NIOCore
import Testing

@testable import POP3

private let greeting = "+OK Dovecot (Debian) ready.\r\n"
private let capaBoth = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nUSER\r\nSASL XOAUTH2 OAUTHBEARER\r\n.\r\n"
private let capaXOAUTH2 = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSASL PLAIN XOAUTH2\r\n.\r\n"
private let capaPlainOnly = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSASL PLAIN\r\n.\r\n"
/// What Dovecot sends as XOAUTH2's error challenge: base64 of {"status":"401","schemes":"bearer","scope":"mail"}.
private let errorChallenge = "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJtYWlsIn0="

@Suite("POP3 AUTH XOAUTH2 and OAUTHBEARER (RFC 5034, RFC 7628) over recorded transcripts")
struct POP3BearerAuthTests {
    private func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    @Test("auto with both offered: OAUTHBEARER with the initial response on the AUTH line")
    func autoPrefersOAuthBearer() async throws {
        let transport = ScriptedTransport(server: greeting + capaBoth + "+OK Logged in.\r\n", secure: true)
        let client = try await POP3Client.open(over: transport, stls: .never)
        try await client.login(.bearer(user: "alice", token: "tok123", mechanism: nil))
        let response = base64("n,a=alice,\u{1}auth=Bearer tok123\u{1}\u{1}")
        #expect(transport.writes == ["CAPA\r\n", "AUTH OAUTHBEARER \(response)\r\n"])
    }

    @Test("XOAUTH2 where only it is offered; a long response waits for the server's empty challenge")
    func longTokenGoesAfterTheChallenge() async throws {
        let token = String(repeating: "t", count: 400)
        let transport = ScriptedTransport(server: greeting + capaXOAUTH2 + "+ \r\n+OK Logged in.\r\n", secure: true)
        let client = try await POP3Client.open(over: transport, stls: .never)
        try await client.login(.bearer(user: "bob@example.com", token: token, mechanism: nil))
        let response = base64("user=bob@example.com\u{1}auth=Bearer \(token)\u{1}\u{1}")
        #expect(transport.writes == ["CAPA\r\n", "AUTH XOAUTH2\r\n", "\(response)\r\n"])
    }

    @Test("refused token: the JSON challenge is acknowledged with an empty line and decoded into the error")
    func refusedTokenIsDecoded() async throws {
        let lines = LockedLines()
        let transport = ScriptedTransport(
            server: greeting + capaBoth + "+ \(errorChallenge)\r\n-ERR [AUTH] Authentication failed.\r\n", secure: true)
        let client = try await POP3Client.open(over: transport, stls: .never, trace: { lines.append($0) })
        let error = await #expect(throws: POP3Error.self) {
            try await client.login(.bearer(user: "alice", token: "secret-token", mechanism: .xoauth2))
        }
        #expect(
            error
                == .tokenRefused(
                    challenge: #"{"status":"401","schemes":"bearer","scope":"mail"}"#,
                    serverText: "[AUTH] Authentication failed."))
        #expect(transport.writes.last == "\r\n")
        #expect(lines.all.contains { $0 == "C: AUTH XOAUTH2 ****" })
        #expect(!lines.all.joined().contains("secret-token"))
        #expect(!lines.all.joined().contains(base64("user=alice\u{1}auth=Bearer secret-token\u{1}\u{1}")))
    }

    @Test("OAUTHBEARER's error challenge is acknowledged with %x01 (RFC 7628 section 3.2.3)")
    func oauthBearerAcknowledgement() async throws {
        let transport = ScriptedTransport(
            server: greeting + capaBoth + "+ \(errorChallenge)\r\n-ERR [AUTH] Authentication failed.\r\n", secure: true)
        let client = try await POP3Client.open(over: transport, stls: .never)
        await #expect(throws: POP3Error.self) {
            try await client.login(.bearer(user: "alice", token: "tok", mechanism: .oauthbearer))
        }
        #expect(transport.writes.last == "AQ==\r\n")
    }

    @Test("a server without XOAUTH2 or OAUTHBEARER: nothing is sent, the error names both")
    func noMechanism() async throws {
        let transport = ScriptedTransport(server: greeting + capaPlainOnly, secure: true)
        let client = try await POP3Client.open(over: transport, stls: .never)
        let error = await #expect(throws: POP3Error.self) {
            try await client.login(.bearer(user: "alice", token: "tok", mechanism: nil))
        }
        #expect(error == .mechanismNotOffered("OAUTHBEARER or XOAUTH2"))
        #expect(transport.writes == ["CAPA\r\n"])
    }
}

/// Trace lines collected from the client's callback.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
