import Foundation
import MailTransport
import POP3
import TestSupport
import Testing

/// USER/PASS with CR, LF or NUL against a real Dovecot: refused before anything is sent, so a
/// password cannot smuggle in `DELE 1`; the session stays usable for the right login.
@Suite("POP3 injection against a real Dovecot")
struct POP3InjectionTests {
    @Test func lineBreaksInUserOrPasswordAreRefusedAndDeleteNothing() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alicepw")]))
        try await DovecotServer.stopping([server]) {
            try server.deliver(Data("Subject: keep\r\n\r\nkeep me\r\n".utf8), to: "alice")
            let options = POP3ConnectionOptions(
                host: server.host, port: server.pop3sPort, security: .implicitTLS,
                tls: TLSOptions(caFile: server.caFile),
                timeouts: TransportTimeouts(connect: .seconds(10), idle: .seconds(10)))
            let client = try await POP3Client.connect(options)
            let attempts: [POP3Credentials] = [
                .userPass(user: "alice", password: "x\r\nDELE 1"),
                .userPass(user: "alice\r\nPASS alicepw\r\nDELE 1", password: "x"),
                .userPass(user: "alice", password: "x\nQUIT"),
                .userPass(user: "alice", password: "p\0w"),
                .plain(authzid: nil, authcid: "alice", password: "x\0DELE 1"),
            ]
            for credentials in attempts {
                let error = await #expect(throws: POP3Error.self) { try await client.login(credentials) }
                guard case .invalidArgument(let reason)? = error else {
                    Issue.record("expected a refused argument, got \(String(describing: error))")
                    continue
                }
                #expect(reason.contains("line break") || reason.contains("NUL"))
            }
            try await client.login(.userPass(user: "alice", password: "alicepw"))
            #expect(try await client.stat().messageCount == 1)
            await client.quit()
        }
    }
}
