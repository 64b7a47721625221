import Foundation
import MailTransport
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// TLS 1.2 is the floor: a server that speaks at most TLS 1.1 is refused. Dovecot 2.3 has
/// `ssl_min_protocol` but no maximum, so the old server here is a NIOSSL one capped at TLS 1.1;
/// a client that allows TLS 1.0/1.1 completes a handshake with it (the control).
@Suite("MailConnection TLS versions")
struct TLSVersionTests {
    private func server(maximum: TLSVersion, _ certificate: TestCertificate) async throws -> ScriptedServer {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificate.keyPath, format: .pem)))
        configuration.minimumTLSVersion = .tlsv1
        configuration.maximumTLSVersion = maximum
        return try await ScriptedServer.start(
            behaviour: .echo(greeting: "hello\r\n"), implicitTLS: try NIOSSLContext(configuration: configuration))
    }

    @Test func serverLimitedToTLS11IsRefused() async throws {
        let certificate = try TestCertificate.make(subjectAltName: "DNS:localhost,IP:127.0.0.1")
        defer { certificate.remove() }
        let old = try await server(maximum: .tlsv11, certificate)
        await #expect {
            _ = try await MailConnection.connect(
                host: "127.0.0.1", port: old.port, security: .implicitTLS,
                tls: TLSOptions(caFile: certificate.certificatePath), timeouts: TransportTimeouts(connect: .seconds(5)))
        } throws: { error in
            guard case .tlsHandshakeFailed = error as? TransportError else { return false }
            return true
        }
        // Control: the same server does complete a TLS 1.1 handshake with a client that allows it.
        #expect(try await Self.handshakeVersion(port: old.port, maximum: .tlsv11) == .tlsv11)
        await old.stop()

        let current = try await server(maximum: .tlsv12, certificate)
        let connection = try await MailConnection.connect(
            host: "127.0.0.1", port: current.port, security: .implicitTLS,
            tls: TLSOptions(caFile: certificate.certificatePath))
        #expect(await connection.isSecure)
        await connection.close()
        await current.stop()
    }

    /// Handshakes with a permissive NIOSSL client and returns the negotiated version.
    static func handshakeVersion(port: Int, maximum: TLSVersion) async throws -> TLSVersion? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv1
        configuration.maximumTLSVersion = maximum
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: nil))
                    try channel.pipeline.syncOperations.addHandler(HandshakeWaiter())
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let waiter = try await channel.pipeline.handler(type: HandshakeWaiter.self).get()
        _ = try await waiter.completed.futureResult.get()
        let version = try await channel.nioSSL_tlsVersion().get()
        try? await channel.close().get()
        return version
    }
}

/// Completes when the first decrypted bytes arrive (or fails with the channel's error).
private final class HandshakeWaiter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private(set) var completed: EventLoopPromise<Void>!
    private var done = false

    func handlerAdded(context: ChannelHandlerContext) {
        completed = context.eventLoop.makePromise()
    }

    private func finish(_ result: Result<Void, any Error>) {
        guard !done else { return }
        done = true
        completed.completeWith(result)
    }

    /// The server's greeting arrives decrypted only after the handshake.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        finish(.success(()))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.ioOnClosedChannel))
    }
}
