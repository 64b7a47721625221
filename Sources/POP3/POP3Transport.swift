import MailTransport
import NIOCore

/// The byte stream a POP3 session runs over. `MailConnection` is the real one; tests script one.
public protocol POP3Transport: Sendable {
    /// The next chunk of inbound bytes, or nil once the server closed the connection.
    func read() async throws(TransportError) -> ByteBuffer?
    /// Sends one whole command in one write.
    func write(_ buffer: ByteBuffer) async throws(TransportError)
    /// Upgrades the connection to TLS after the server accepted STLS.
    func startTLS() async throws(TransportError)
    /// Whether the bytes on the wire are TLS-protected now.
    var isSecure: Bool { get async }
    func close() async
}

/// A `MailConnection` as a POP3 transport.
public struct MailConnectionTransport: POP3Transport {
    public let connection: MailConnection

    public init(_ connection: MailConnection) {
        self.connection = connection
    }

    public func read() async throws(TransportError) -> ByteBuffer? {
        try await connection.read(deadline: nil)
    }

    public func write(_ buffer: ByteBuffer) async throws(TransportError) {
        try await connection.write(buffer)
    }

    public func startTLS() async throws(TransportError) {
        try await connection.startTLS()
    }

    public var isSecure: Bool {
        get async { await connection.isSecure }
    }

    public func close() async {
        await connection.close()
    }
}
