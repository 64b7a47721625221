import MailTransport
import TestSupport
import Testing

/// A connection cut in the middle of the TLS handshake is a disconnect (retried by the engine), not a
/// "TLS handshake failed" (which says the configurations do not match and is not retried).
@Suite("MailConnection TLS handshake cut")
struct HandshakeCutTests {
    @Test func cutDuringHandshakeIsADisconnect() async throws {
        let certificate = try TestCertificate.make(subjectAltName: "DNS:localhost,IP:127.0.0.1")
        defer { certificate.remove() }
        let server = try await ScriptedServer.start(
            behaviour: .echo(greeting: "hello\r\n"), implicitTLS: try certificate.serverContext())
        // Seeds whose first connection is cut after 100 bytes: inside the ClientHello or the ServerHello.
        var directions: Set<String> = []
        for seed in UInt64(1)...40 {
            let configuration = FaultProxy.Configuration(
                seed: seed, faultPercent: 100, minFaultOffset: 100, maxFaultOffset: 101)
            guard case .cut(let direction, _) = FaultSchedule.draw(seed: seed, connection: 0, configuration),
                directions.insert(direction.rawValue).inserted
            else { continue }
            let proxy = try FaultProxy.start(targetPort: server.port, configuration: configuration)
            await #expect(throws: TransportError.disconnected, "cut \(direction.rawValue)") {
                _ = try await MailConnection.connect(
                    host: "127.0.0.1", port: proxy.port, security: .implicitTLS,
                    tls: TLSOptions(caFile: certificate.certificatePath))
            }
            #expect(proxy.disruptiveFaults == 1)
            proxy.stop()
        }
        #expect(directions.count == 2)
        await server.stop()
    }
}
