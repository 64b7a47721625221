import IMAP
import MailTransport
import MailferryCore

/// Classifies protocol-level failures into the engine's `StoreError`, keeping the client's message
/// (which already says what happened and what to do) as the reason.
enum IMAPErrorMapping {
    static func storeError(_ error: any Error, server: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? IMAPError else {
            if let transport = error as? TransportError { return storeError(transport, server: server) }
            return .protocolViolation(server: server, reason: "unexpected error: \(type(of: error))")
        }
        if let throttle = throttle(error, server: server) { return throttle }
        switch error {
        case .transport(let transport):
            return storeError(transport, server: server)
        case .loginFailed(let text):
            return .loginFailed(server: server, reason: text.description)
        case .tokenRefused:
            return .oauth2(reason: error.userMessage)
        case .loginUnavailable, .plaintextLoginRefused, .startTLSUnavailable:
            return .unreachable(server: server, reason: error.userMessage)
        case .serverBye, .timedOut, .sessionClosed:
            return .interrupted(server: server, reason: error.userMessage)
        case .commandFailed(let command, let status, let text):
            switch text.code {
            case .overQuota?: return .quotaExceeded(reason: text.description)
            case .limit? where command.hasPrefix("APPEND"), .other("TOOBIG", _)?:
                return .messageRefused(reason: tooLarge(text.description))
            default:
                return status == .bad
                    ? .protocolViolation(server: server, reason: error.userMessage)
                    : .messageRefused(reason: error.userMessage)
            }
        case .protocolError, .limitExceeded, .messageSizeMismatch:
            return .protocolViolation(server: server, reason: error.userMessage)
        case .encoding:
            return .messageRefused(reason: error.userMessage)
        }
    }

    /// A refusal or BYE that asks to slow down (`ThrottleSignal`).
    private static func throttle(_ error: IMAPError, server: String) -> StoreError? {
        switch error {
        case .loginFailed(let text), .serverBye(let text), .commandFailed(_, .no, let text):
            return ThrottleSignal.throttle(code: text.rawCode, text: text.text, server: server)
        default:
            return nil
        }
    }

    static func storeError(_ error: TransportError, server: String) -> StoreError {
        switch error {
        case .connectionRefused, .nameNotFound, .tlsVerificationFailed, .tlsHandshakeFailed, .tlsConfiguration:
            return .unreachable(server: server, reason: error.userMessage)
        case .timedOut, .disconnected, .io, .cancelled:
            return .interrupted(server: server, reason: error.userMessage)
        }
    }

    /// The catalogue's wording for a message the destination will not take because of its size.
    static func tooLarge(_ serverText: String) -> String {
        "message too large for the destination (\(serverText)); raise the destination's size limit, "
            + "or set options.max_message_size to skip such messages and report them"
    }

    /// A command on one folder that the server refused makes that folder unavailable, not the user.
    static func folderError(_ error: any Error, folder: MailboxPath, server: String) -> StoreError {
        let mapped = storeError(error, server: server)
        if case .messageRefused(let reason) = mapped {
            return .folderUnavailable(folder: folder.description, reason: reason)
        }
        return mapped
    }

    /// True for a refused TCP connection, after which the next enabled port is tried.
    static func isConnectionRefused(_ error: any Error) -> Bool {
        if case .transport(.connectionRefused)? = error as? IMAPError { return true }
        if case .connectionRefused? = error as? TransportError { return true }
        return false
    }
}
