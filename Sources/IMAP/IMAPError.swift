import MailTransport

/// Everything that can go wrong in an IMAP session, each with a message for the admin.
/// Never contains a password: server texts and command names only.
public enum IMAPError: Error, Sendable, Equatable {
    case transport(TransportError)
    /// LOGIN or AUTHENTICATE was rejected; carries the server's words, e.g.
    /// `[AUTHENTICATIONFAILED] Authentication failed.`
    case loginFailed(IMAPResponseText)
    /// AUTHENTICATE XOAUTH2/OAUTHBEARER was rejected after the server's error challenge, which
    /// carries its JSON status (decoded), e.g. `{"status":"401","schemes":"bearer"}`.
    case tokenRefused(challenge: String, text: IMAPResponseText)
    /// The server ended the session (`* BYE`), at greeting or later.
    case serverBye(IMAPResponseText)
    /// A command ended in NO or BAD.
    case commandFailed(command: String, status: IMAPResponseStatus, text: IMAPResponseText)
    /// The server's bytes broke the grammar; the session cannot continue.
    case protocolError(String)
    /// A configured limit (line length, literal size) was exceeded.
    case limitExceeded(String)
    /// A command ran past its deadline (e.g. a FETCH); `.transport(.timedOut(.read))` is instead
    /// a server that fell silent.
    case timedOut(command: String)
    /// `starttls: required` but the server does not offer STARTTLS.
    case startTLSUnavailable
    /// Credentials would cross an unencrypted link and `allowPlaintextLogin` is off.
    case plaintextLoginRefused
    /// The server advertises LOGINDISABLED (or lacks AUTH=PLAIN) for the requested login.
    case loginUnavailable(String)
    /// A value cannot be encoded (NUL in a string).
    case encoding(IMAPEncodingError)
    /// An APPEND source delivered a different number of bytes than announced.
    case messageSizeMismatch(expected: Int, actual: Int)
    /// The session was used after LOGOUT or after a fatal error.
    case sessionClosed

    public var userMessage: String {
        switch self {
        case .transport(let error):
            error.userMessage
        case .loginFailed(let text):
            "login failed: \(text)"
        case .tokenRefused(let challenge, let text):
            "the server refused the OAuth2 token: \(challenge) (\(text))"
        case .serverBye(let text):
            "the server closed the session (BYE): \(text)"
        case .commandFailed(let command, let status, let text):
            "\(command) failed (\(status.rawValue)): \(text)"
        case .protocolError(let detail):
            "IMAP protocol error: \(detail)"
        case .limitExceeded(let detail):
            "IMAP limit exceeded: \(detail)"
        case .timedOut(let command):
            "timed out on \(command): the command did not finish in time"
        case .startTLSUnavailable:
            "the server does not offer STARTTLS, but `starttls: required` is set; use implicit TLS (imap4s) "
                + "or set `starttls: optional` to allow an unencrypted connection"
        case .plaintextLoginRefused:
            "refusing to send credentials over an unencrypted connection; enable TLS or set "
                + "`allow_plaintext_login: true`"
        case .loginUnavailable(let detail):
            "the server does not allow this login method: \(detail)"
        case .encoding(let error):
            error.userMessage
        case .messageSizeMismatch(let expected, let actual):
            "message source delivered \(actual) bytes instead of the announced \(expected)"
        case .sessionClosed:
            "the IMAP session is closed"
        }
    }

    /// The response code the server attached, if any (e.g. `.tryCreate`, `.overQuota`).
    public var responseCode: IMAPResponseCode? {
        switch self {
        case .loginFailed(let text), .serverBye(let text), .commandFailed(_, _, let text), .tokenRefused(_, let text):
            text.code
        default: nil
        }
    }
}

extension IMAPError: CustomStringConvertible {
    public var description: String { userMessage }
}
