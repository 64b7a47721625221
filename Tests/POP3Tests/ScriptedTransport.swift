import Foundation
import MailTransport
import NIOCore

@testable import POP3

/// A POP3 server played from a recording: `read()` hands out `chunks` in order, then reports the
/// connection closed; writes are recorded. Lets session logic be tested without a network.
/// Text after a `<TLS>` marker becomes readable only once the client has started TLS.
final class ScriptedTransport: POP3Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [ByteBuffer]
    private var afterTLS: [ByteBuffer]
    private var secure: Bool
    private var recorded: [String] = []
    private var closed = false

    /// `server` is cut into pieces of `chunkSize` bytes (all of it at once when nil).
    init(server: String, chunkSize: Int? = nil, secure: Bool = false) {
        func cut(_ text: Substring) -> [ByteBuffer] {
            let bytes = Array(text.utf8)
            let size = max(chunkSize ?? bytes.count, 1)
            return stride(from: 0, to: bytes.count, by: size).map {
                ByteBuffer(bytes: bytes[$0..<min($0 + size, bytes.count)])
            }
        }
        let phases = server.split(separator: "<TLS>", maxSplits: 1, omittingEmptySubsequences: false)
        chunks = cut(phases[0])
        afterTLS = phases.count > 1 ? cut(phases[1]) : []
        self.secure = secure
    }

    /// What the client sent, one entry per write; `<TLS>` marks the STLS handshake.
    var writes: [String] { lock.withLock { recorded } }
    var isClosed: Bool { lock.withLock { closed } }

    func read() async throws(TransportError) -> ByteBuffer? {
        lock.withLock { chunks.isEmpty ? nil : chunks.removeFirst() }
    }

    func write(_ buffer: ByteBuffer) async throws(TransportError) {
        let wasClosed = lock.withLock { closed }
        if wasClosed { throw .disconnected }
        lock.withLock { recorded.append(String(buffer: buffer)) }
    }

    func startTLS() async throws(TransportError) {
        lock.withLock {
            recorded.append("<TLS>")
            secure = true
            chunks += afterTLS
            afterTLS = []
        }
    }

    var isSecure: Bool {
        get async { lock.withLock { secure } }
    }

    func close() async {
        lock.withLock { closed = true }
    }
}
