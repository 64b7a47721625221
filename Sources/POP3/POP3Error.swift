import MailTransport

/// Why a POP3 session failed, in terms an admin can act on. Never carries a password.
public enum POP3Error: Error, Sendable, Equatable {
    /// The server refused the credentials (`-ERR` to PASS or AUTH), with its own words.
    case loginFailed(serverText: String)
    /// AUTH XOAUTH2/OAUTHBEARER was refused after the server's error challenge (decoded JSON status).
    case tokenRefused(challenge: String, serverText: String)
    /// The server answered a command other than a login with `-ERR`.
    case commandFailed(command: String, serverText: String)
    /// The server's greeting was `-ERR`.
    case greetingRejected(serverText: String)
    /// The connection ended while a response was awaited.
    case serverClosed
    /// The server sent something that is not POP3.
    case protocolError(String)
    /// A status or listing line exceeded `POP3Limits.maxLineLength`.
    case lineTooLong(limit: Int)
    /// A `TOP n 0` header block exceeded `POP3Limits.maxHeaderBytes`.
    case headerTooLarge(limit: Int)
    /// A UIDL or LIST listing exceeded `POP3Limits.maxListingLines`.
    case listingTooLong(limit: Int)
    /// A command argument contained CR, LF or NUL (it would inject a second command).
    case invalidArgument(String)
    /// STLS is required, but the server does not offer it.
    case tlsNotOffered
    /// Credentials would travel over an unencrypted link and `allowPlaintextLogin` is off.
    case plaintextLoginRefused
    /// The server does not offer the SASL mechanism needed (PLAIN for admin logins).
    case mechanismNotOffered(String)
    /// The session cannot be used any more (after QUIT or after an earlier failure).
    case sessionClosed
    /// The connection itself failed (refused, TLS, timeout, disconnect).
    case transport(TransportError)

    /// One sentence for the admin: what happened and what to do.
    public var userMessage: String {
        switch self {
        case .loginFailed(let serverText):
            "POP3 login failed: the server said \"\(serverText)\"; check the user name and password"
        case .tokenRefused(let challenge, let serverText):
            "the server refused the OAuth2 token: \(challenge) (\"\(serverText)\")"
        case .commandFailed(let command, let serverText):
            "the POP3 server refused \(command): \"\(serverText)\""
        case .greetingRejected(let serverText):
            "the POP3 server refused the connection: \"\(serverText)\""
        case .serverClosed:
            "the server closed the connection (socket disconnected) while a POP3 response was awaited"
        case .protocolError(let detail):
            "POP3 protocol error: \(detail)"
        case .lineTooLong(let limit):
            "the POP3 server sent a line longer than \(limit) bytes"
        case .headerTooLarge(let limit):
            "the POP3 server sent a message header larger than \(limit) bytes"
        case .listingTooLong(let limit):
            "the POP3 server listed more than \(limit) messages"
        case .invalidArgument(let detail):
            "invalid POP3 command argument: \(detail)"
        case .tlsNotOffered:
            "the server does not offer STARTTLS (POP3 STLS), but `starttls: required` is set; use implicit TLS "
                + "(pop3s) or set `starttls: optional` to allow an unencrypted connection"
        case .plaintextLoginRefused:
            "refusing to send credentials over an unencrypted connection; enable TLS or set "
                + "`allow_plaintext_login: true`"
        case .mechanismNotOffered(let mechanism):
            "the POP3 server does not offer SASL \(mechanism), which this login needs"
        case .sessionClosed:
            "the POP3 session is closed"
        case .transport(let error):
            error.userMessage
        }
    }

    /// A server's text, shortened and stripped of control characters, fit for an error message.
    static func excerpt<S: StringProtocol>(_ text: S, limit: Int = 200) -> String {
        let cleaned = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return cleaned.count > limit ? "\"\(cleaned.prefix(limit))…\"" : "\"\(cleaned)\""
    }
}

extension POP3Error: CustomStringConvertible {
    public var description: String { userMessage }
}
