import Foundation
import NIOCore
import Testing

@testable import MailTransport

@Suite("TLS contexts shared by the connections of a job")
struct TLSContextCacheTests {
    private func readLine(_ connection: MailConnection) async throws -> String {
        var collected = ByteBuffer()
        while collected.readableBytesView.last != UInt8(ascii: "\n"), var chunk = try await connection.read() {
            collected.writeBuffer(&chunk)
        }
        return String(buffer: collected)
    }

    @Test func oneContextPerSettingsAndANewOneWhenTheCAFileChanges() async throws {
        let trusted = try TestCertificate.make(subjectAltName: "IP:127.0.0.1")
        defer { trusted.remove() }
        let other = try TestCertificate.make(subjectAltName: "IP:127.0.0.1")
        defer { other.remove() }
        let server = try await ScriptedServer.start(
            behaviour: .echo(greeting: "hello\r\n"), implicitTLS: try trusted.serverContext())
        defer { Task { await server.stop() } }
        let caFile = NSTemporaryDirectory() + "mf-ca-\(UUID().uuidString).pem"
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        try FileManager.default.copyItem(atPath: trusted.certificatePath, toPath: caFile)

        let cache = TLSContextCache()
        let options = TLSOptions(caFile: caFile, contextCache: cache)
        for _ in 1...3 {
            let connection = try await MailConnection.connect(
                host: "127.0.0.1", port: server.port, security: .implicitTLS, tls: options)
            #expect(try await readLine(connection) == "hello\r\n")
            await connection.close()
        }
        let first = try cache.context(for: options) { _ throws(TransportError) in
            Issue.record("the context for the same settings was built again")
            throw TransportError.tlsConfiguration("unexpected")
        }
        let unverified = try cache.context(for: TLSOptions(verify: false, caFile: caFile, contextCache: cache)) {
            options throws(TransportError) in try MailConnection.makeTLSContext(options)
        }
        #expect(first !== unverified)

        // The admin replaces the CA file: the next connection verifies against the new one.
        try FileManager.default.removeItem(atPath: caFile)
        try (try String(contentsOfFile: other.certificatePath, encoding: .utf8) + "\n").write(
            toFile: caFile, atomically: true, encoding: .utf8)
        await #expect {
            _ = try await MailConnection.connect(
                host: "127.0.0.1", port: server.port, security: .implicitTLS, tls: options)
        } throws: { error in
            guard case .tlsVerificationFailed = error as? TransportError else { return false }
            return true
        }
    }
}
