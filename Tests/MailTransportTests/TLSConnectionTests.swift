import Foundation
import MailTransport
import NIOCore
import Testing

@Suite("MailConnection TLS")
struct TLSConnectionTests {
    private func readLine(_ connection: MailConnection) async throws -> String {
        var collected = ByteBuffer()
        while collected.readableBytesView.last != UInt8(ascii: "\n"), var chunk = try await connection.read() {
            collected.writeBuffer(&chunk)
        }
        return String(buffer: collected)
    }

    @Test func selfSignedCertificateIsRejectedByDefault() async throws {
        let certificate = try TestCertificate.make(subjectAltName: "DNS:localhost,IP:127.0.0.1")
        defer { certificate.remove() }
        let server = try await ScriptedServer.start(
            behaviour: .echo(greeting: "hello\r\n"), implicitTLS: try certificate.serverContext())
        defer { Task { await server.stop() } }
        await #expect {
            _ = try await MailConnection.connect(host: "127.0.0.1", port: server.port, security: .implicitTLS)
        } throws: { error in
            guard case .tlsVerificationFailed = error as? TransportError else { return false }
            return true
        }
    }

    @Test func caFileMakesTheCertificateTrusted() async throws {
        let certificate = try TestCertificate.make(subjectAltName: "DNS:localhost,IP:127.0.0.1")
        defer { certificate.remove() }
        let server = try await ScriptedServer.start(
            behaviour: .echo(greeting: "hello\r\n"), implicitTLS: try certificate.serverContext())
        defer { Task { await server.stop() } }
        for host in ["127.0.0.1", "localhost"] {
            let connection = try await MailConnection.connect(
                host: host, port: server.port, security: .implicitTLS,
                tls: TLSOptions(caFile: certificate.certificatePath))
            #expect(await connection.isSecure)
            #expect(try await readLine(connection) == "hello\r\n")
            await connection.close()
        }
    }

    @Test func hostNameMismatchFailsVerification() async throws {
        let certificate = try TestCertificate.make(subjectAltName: "DNS:other.example")
        defer { certificate.remove() }
        let server = try await ScriptedServer.start(
            behaviour: .echo(greeting: "hello\r\n"), implicitTLS: try certificate.serverContext())
        defer { Task { await server.stop() } }
        await #expect {
            _ = try await MailConnection.connect(
                host: "127.0.0.1", port: server.port, security: .implicitTLS,
                tls: TLSOptions(caFile: certificate.certificatePath))
        } throws: { error in
            guard case .tlsVerificationFailed = error as? TransportError else { return false }
            return true
        }
    }

    @Test func verifyFalseAcceptsAnyCertificate() async throws {
        let certificate = try TestCertificate.make(subjectAltName: "DNS:other.example")
        defer { certificate.remove() }
        let server = try await ScriptedServer.start(
            behaviour: .echo(greeting: "hello\r\n"), implicitTLS: try certificate.serverContext())
        defer { Task { await server.stop() } }
        let connection = try await MailConnection.connect(
            host: "127.0.0.1", port: server.port, security: .implicitTLS, tls: TLSOptions(verify: false))
        #expect(try await readLine(connection) == "hello\r\n")
        await connection.close()
    }

    @Test func startTLSUpgradesAPlainConnection() async throws {
        let certificate = try TestCertificate.make(subjectAltName: "IP:127.0.0.1")
        defer { certificate.remove() }
        let server = try await ScriptedServer.start(
            behaviour: .startTLS(greeting: "ready\r\n", tls: try certificate.serverContext()))
        defer { Task { await server.stop() } }
        let connection = try await MailConnection.connect(
            host: "127.0.0.1", port: server.port, security: .plain,
            tls: TLSOptions(caFile: certificate.certificatePath))
        #expect(try await readLine(connection) == "ready\r\n")
        try await connection.write(ByteBuffer(string: "STARTTLS\r\n"))
        #expect(try await readLine(connection) == "OK\r\n")
        try await connection.startTLS()
        #expect(await connection.isSecure)
        try await connection.write(ByteBuffer(string: "secret line\r\n"))
        #expect(try await readLine(connection) == "secret line\r\n")
        await connection.close()
    }

    @Test func unreadableCAFileIsAConfigurationError() async throws {
        await #expect {
            _ = try await MailConnection.connect(
                host: "127.0.0.1", port: 1, security: .implicitTLS,
                tls: TLSOptions(caFile: "/nonexistent/ca.pem"))
        } throws: { error in
            guard case .tlsConfiguration = error as? TransportError else { return false }
            return true
        }
    }
}
