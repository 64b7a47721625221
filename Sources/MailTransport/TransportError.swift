/// Where in a connection's life a timeout struck; the message tells the admin which limit to raise.
public enum TimeoutPhase: Sendable, Equatable {
    /// The TCP connection was not established in time.
    case connect
    /// The TLS handshake did not finish in time.
    case tlsHandshake
    /// The server stayed silent while an answer was awaited (idle timeout).
    case read
    /// The server did not accept our bytes in time.
    case write
    /// A whole command ran past the deadline its caller set.
    case command
}

/// Why a connection failed, in terms an admin can act on. Never carries a secret.
public enum TransportError: Error, Sendable, Equatable {
    case connectionRefused(host: String, port: Int)
    case nameNotFound(host: String)
    /// The server's certificate did not verify against the trust store, or did not match the host name.
    case tlsVerificationFailed(host: String, reason: String)
    case tlsHandshakeFailed(host: String, reason: String)
    /// The TLS settings could not be used (unreadable CA file, impossible host name).
    case tlsConfiguration(String)
    case timedOut(TimeoutPhase)
    /// The peer closed the connection while we still expected data.
    case disconnected
    case cancelled
    /// Any other socket or I/O failure, with the system's description.
    case io(String)

    /// One sentence for the admin: what happened and what to do.
    public var userMessage: String {
        switch self {
        case .connectionRefused(let host, let port):
            "connection refused by \(host) port \(port): check the host, the port and that the server is running"
        case .nameNotFound(let host):
            "host name not found: \(host) (check the spelling and DNS)"
        case .tlsVerificationFailed(let host, let reason):
            "TLS certificate verification failed for \(host): \(reason); if the server uses a private CA "
                + "pass its certificate with `tls: { ca_file: PATH }`, or (insecure) set `tls: { verify: false }`"
        case .tlsHandshakeFailed(let host, let reason):
            "TLS handshake with \(host) failed: \(reason)"
        case .tlsConfiguration(let reason):
            "TLS settings cannot be used: \(reason)"
        case .timedOut(.connect):
            "timed out while connecting to the server"
        case .timedOut(.tlsHandshake):
            "timed out during the TLS handshake"
        case .timedOut(.read):
            "timed out during read: the server sent nothing while an answer was awaited"
        case .timedOut(.write):
            "timed out during write: the server did not accept data"
        case .timedOut(.command):
            "timed out: the command did not finish before its deadline"
        case .disconnected:
            "the server closed the connection (socket disconnected)"
        case .cancelled:
            "the operation was cancelled"
        case .io(let reason):
            "I/O error: \(reason)"
        }
    }
}

extension TransportError: CustomStringConvertible {
    public var description: String { userMessage }
}
