import MailTransport
import MailferryCore
import POP3

/// Classifies POP3 failures into the engine's `StoreError` as `IMAPErrorMapping` does for IMAP:
/// a refused login is final, a timeout or disconnect is retried, a refused connection or TLS failure
/// makes the endpoint unusable.
enum POP3ErrorMapping {
    static func storeError(_ error: any Error, server: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? SpoolError { return error.storeError }
        guard let error = error as? POP3Error else {
            if let transport = error as? TransportError {
                return IMAPErrorMapping.storeError(transport, server: server)
            }
            return .protocolViolation(server: server, reason: "unexpected error: \(type(of: error))")
        }
        switch error {
        case .loginFailed(let text), .commandFailed(_, let text), .greetingRejected(let text):
            if let throttle = ThrottleSignal.throttle(pop3Text: text, server: server) { return throttle }
        default:
            break
        }
        switch error {
        case .transport(let transport):
            return IMAPErrorMapping.storeError(transport, server: server)
        case .loginFailed(let serverText):
            return .loginFailed(server: server, reason: serverText)
        case .tokenRefused:
            return .oauth2(reason: error.userMessage)
        case .greetingRejected, .tlsNotOffered, .plaintextLoginRefused, .mechanismNotOffered:
            return .unreachable(server: server, reason: error.userMessage)
        case .serverClosed, .sessionClosed:
            return .interrupted(server: server, reason: error.userMessage)
        case .commandFailed, .invalidArgument, .headerTooLarge:
            return .messageRefused(reason: error.userMessage)
        case .protocolError, .lineTooLong, .listingTooLong:
            return .protocolViolation(server: server, reason: error.userMessage)
        }
    }

    /// True for a refused TCP connection, after which the next enabled port is tried.
    static func isConnectionRefused(_ error: any Error) -> Bool {
        if case .transport(.connectionRefused)? = error as? POP3Error { return true }
        return IMAPErrorMapping.isConnectionRefused(error)
    }
}
