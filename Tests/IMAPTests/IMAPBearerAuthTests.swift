import Foundation
import MailTransport
import NIOCore
import Synchronization
import Testing

@testable import IMAP

/// Byte-level transcripts of AUTHENTICATE XOAUTH2 / OAUTHBEARER (RFC 7628): what the client writes,
/// what it makes of the server's answers, and what its trace shows.
@Suite("IMAP AUTHENTICATE XOAUTH2 and OAUTHBEARER against scripted servers")
struct IMAPBearerAuthTests {
    /// base64 of {"status":"401","schemes":"bearer","scope":"mail"}, Dovecot's XOAUTH2 error challenge.
    static let errorChallenge = "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJtYWlsIn0="

    private func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// Runs `body` against a server greeting with `capabilities`; returns every line the client sent
    /// and the client's trace.
    private func transcript(
        capabilities: String, answer: @escaping @Sendable (String) -> [ScriptedIMAPServer.Action],
        _ body: @escaping (IMAPClient) async throws -> Void
    ) async throws -> (received: [String], trace: [String]) {
        let received = Mutex<[String]>([])
        let trace = Mutex<[String]>([])
        let server = try await ScriptedIMAPServer.start(greeting: "* OK [CAPABILITY \(capabilities)] ready\r\n") {
            line in
            received.withLock { $0.append(line) }
            return answer(line)
        }
        let configuration = IMAPClientConfiguration(
            host: "127.0.0.1", port: server.port, security: .plain(starttls: .never), allowPlaintextLogin: true,
            trace: { line in trace.withLock { $0.append(line) } })
        do {
            let client = try await IMAPClient.connect(configuration)
            try await body(client)
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
        return (received.withLock { $0 }, trace.withLock { $0 })
    }

    @Test func xoauth2WithSASLIRSendsTheResponseOnTheCommandLineAndRedactsIt() async throws {
        let (received, trace) = try await transcript(capabilities: "IMAP4rev1 SASL-IR AUTH=XOAUTH2") { line in
            line.hasPrefix("A1 AUTHENTICATE") ? [.send("A1 OK [CAPABILITY IMAP4rev1 UIDPLUS] Logged in\r\n")] : []
        } _: { client in
            try await client.authenticate(bearerToken: "ya29.token", user: "alice@example.com")
            #expect(await client.hasCapability("UIDPLUS"))
        }
        let response = base64("user=alice@example.com\u{1}auth=Bearer ya29.token\u{1}\u{1}")
        #expect(received == ["A1 AUTHENTICATE XOAUTH2 \(response)"])
        #expect(trace.contains("C: A1 AUTHENTICATE XOAUTH2 <redacted>"))
        #expect(!trace.joined().contains("ya29.token"))
        #expect(!trace.joined().contains(response))
    }

    @Test func oauthBearerWithoutSASLIRWaitsForTheContinuation() async throws {
        let (received, trace) = try await transcript(capabilities: "IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER") { line in
            if line == "A1 AUTHENTICATE OAUTHBEARER" { return [.send("+ \r\n")] }
            if !line.hasPrefix("A") { return [.send("A1 OK Logged in\r\n")] }
            return [.send("\(line.split(separator: " ")[0]) OK done\r\n")]
        } _: { client in
            try await client.authenticate(bearerToken: "tok", user: "a,b=c")
        }
        // saslname escapes "," and "="; host and port are those connected to.
        #expect(received.first == "A1 AUTHENTICATE OAUTHBEARER")
        let sent =
            received.count > 1 ? Data(base64Encoded: received[1]).map { String(decoding: $0, as: UTF8.self) } : nil
        #expect(sent?.hasPrefix("n,a=a=2Cb=3Dc,\u{1}host=127.0.0.1\u{1}port=") == true)
        #expect(sent?.hasSuffix("\u{1}auth=Bearer tok\u{1}\u{1}") == true)
        #expect(trace.contains("C: <redacted>"))
    }

    @Test func refusedTokenIsAcknowledgedWithAnEmptyLineAndDecoded() async throws {
        let (received, trace) = try await transcript(capabilities: "IMAP4rev1 SASL-IR AUTH=XOAUTH2") { line in
            if line.hasPrefix("A1 AUTHENTICATE") { return [.send("+ \(Self.errorChallenge)\r\n")] }
            if line.isEmpty { return [.send("A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")] }
            return []
        } _: { client in
            await #expect {
                try await client.authenticate(bearerToken: "expired", user: "alice", mechanism: .xoauth2)
            } throws: { error in
                guard case IMAPError.tokenRefused(let challenge, let text) = error else { return false }
                return challenge == #"{"status":"401","schemes":"bearer","scope":"mail"}"#
                    && text.code == .authenticationFailed
            }
            // The session is still usable after the refusal.
            #expect(await client.hasCapability("AUTH=XOAUTH2"))
        }
        #expect(received.count == 2)
        #expect(received.last == "")
        #expect(!trace.joined().contains("expired"))
    }

    @Test func oauthBearerRefusalIsAcknowledgedWithControlA() async throws {
        let (received, _) = try await transcript(capabilities: "IMAP4rev1 SASL-IR AUTH=OAUTHBEARER") { line in
            if line.hasPrefix("A1 AUTHENTICATE") { return [.send("+ \(Self.errorChallenge)\r\n")] }
            if line == "AQ==" { return [.send("A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")] }
            return []
        } _: { client in
            await #expect(throws: IMAPError.self) { try await client.authenticate(bearerToken: "t", user: "alice") }
        }
        #expect(received.last == "AQ==")
    }

    @Test func aServerWithoutEitherMechanismIsNotSentTheToken() async throws {
        let (received, _) = try await transcript(capabilities: "IMAP4rev1 SASL-IR AUTH=PLAIN") { _ in
            []
        } _: { client in
            await #expect(
                throws: IMAPError.loginUnavailable("the server offers neither AUTH=OAUTHBEARER nor AUTH=XOAUTH2")
            ) {
                try await client.authenticate(bearerToken: "t", user: "alice")
            }
            await #expect(throws: IMAPError.loginUnavailable("the server does not offer AUTH=XOAUTH2")) {
                try await client.authenticate(bearerToken: "t", user: "alice", mechanism: .xoauth2)
            }
        }
        #expect(received.isEmpty)
    }
}
