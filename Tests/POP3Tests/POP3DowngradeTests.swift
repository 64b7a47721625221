import Foundation
import MailTransport
import POP3
import TestSupport
import Testing

/// A proxy that removes STLS from Dovecot's CAPA (a downgrade attacker) is caught: `stls: required`
/// fails, `optional` stays unencrypted but refuses to send USER/PASS; the capture shows neither went out.
@Suite("POP3 STLS downgrade against a real Dovecot")
struct POP3DowngradeTests {
    @Test func strippedSTLSIsCaughtBeforeCredentialsAreSent() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alicepw")]))
        try await DovecotServer.stopping([server]) {
            let attacker = try FaultProxy.start(targetPort: server.pop3Port, configuration: .init(stripSTARTTLS: true))
            defer { attacker.stop() }
            func options(_ stls: POP3STLSPolicy) -> POP3ConnectionOptions {
                POP3ConnectionOptions(
                    host: "127.0.0.1", port: attacker.port, security: .plain(stls: stls),
                    tls: TLSOptions(caFile: server.caFile),
                    timeouts: TransportTimeouts(connect: .seconds(5), idle: .seconds(5)))
            }
            await #expect(throws: POP3Error.tlsNotOffered) { _ = try await POP3Client.connect(options(.required)) }

            let client = try await POP3Client.connect(options(.optional))
            #expect(!client.isSecure)
            #expect(!client.capabilities.supportsSTLS)
            await #expect(throws: POP3Error.plaintextLoginRefused) {
                try await client.login(.userPass(user: "alice", password: "alicepw"))
            }
            await client.close()

            let sent = String(decoding: attacker.clientBytes, as: UTF8.self).uppercased()
            #expect(sent.contains("CAPA"))
            #expect(!sent.contains("USER") && !sent.contains("PASS") && !sent.contains("AUTH"))
            #expect(!sent.contains("ALICEPW"))
        }
    }
}
