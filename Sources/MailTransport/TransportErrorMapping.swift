import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Translates NIO, NIOSSL and POSIX errors into `TransportError`s an admin can act on.
struct TransportErrorMapping {
    var host: String
    var port: Int

    func map(_ error: any Error) -> TransportError {
        switch error {
        case let error as TransportError:
            return error
        case let error as NIOConnectionError:
            return mapConnectionError(error)
        case is SocketAddressError.UnknownHost:
            return .nameNotFound(host: host)
        case let error as SocketAddressError:
            if case .unknown = error { return .nameNotFound(host: host) }
            return .io("\(error)")
        case let error as ChannelError:
            return mapChannelError(error)
        case let error as IOError:
            return mapErrno(error.errnoCode, description: "\(error)")
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            return .tlsVerificationFailed(host: host, reason: "the certificate does not match the host name")
        case let error as NIOSSLError:
            return mapSSLError(error)
        case is CancellationError:
            return .cancelled
        default:
            return .io("\(error)")
        }
    }

    private func mapConnectionError(_ error: NIOConnectionError) -> TransportError {
        if let failure = error.connectionErrors.first {
            // Prefer a refusal over other causes when several addresses were tried.
            let mapped = error.connectionErrors.map { map($0.error) }
            if let refused = mapped.first(where: { if case .connectionRefused = $0 { true } else { false } }) {
                return refused
            }
            return map(failure.error)
        }
        if let dnsError = error.dnsAError ?? error.dnsAAAAError {
            let mapped = map(dnsError)
            if case .io = mapped { return .nameNotFound(host: host) }
            return mapped
        }
        return .nameNotFound(host: host)
    }

    private func mapChannelError(_ error: ChannelError) -> TransportError {
        switch error {
        case .connectTimeout:
            return .timedOut(.connect)
        case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed:
            return .disconnected
        default:
            return .io("\(error)")
        }
    }

    private func mapErrno(_ code: Int32, description: String) -> TransportError {
        switch code {
        case ECONNREFUSED:
            return .connectionRefused(host: host, port: port)
        case ECONNRESET, EPIPE, ENOTCONN:
            return .disconnected
        case ETIMEDOUT:
            return .timedOut(.connect)
        default:
            return .io(description)
        }
    }

    private func mapSSLError(_ error: NIOSSLError) -> TransportError {
        switch error {
        case .handshakeFailed(let boringError):
            let text = "\(boringError)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return .tlsVerificationFailed(host: host, reason: "the certificate is not trusted")
            }
            // The connection was cut mid-handshake: a network fault (retried), not a TLS mismatch.
            if text.contains("EOF during") { return .disconnected }
            return .tlsHandshakeFailed(host: host, reason: text)
        case .uncleanShutdown:
            return .disconnected
        case .noSuchFilesystemObject, .failedToLoadCertificate:
            return .tlsConfiguration("the CA file cannot be read or is not PEM")
        default:
            return .tlsHandshakeFailed(host: host, reason: "\(error)")
        }
    }
}
