import MailTransport
import MailferryCore
import POP3

/// Opens a logged-in POP3 session to one endpoint with the job's TLS and timeout settings.
struct POP3Connector: Sendable {
    var settings: ServerConnectionSettings
    var security: POP3Security

    var serverName: String { settings.serverName }

    /// Throws `POP3Error` when the connection itself fails (so callers can tell a refused one and try
    /// the next endpoint), `StoreError` when the login fails.
    func connect(login: ServerLogin) async throws -> POP3Client {
        let options = POP3ConnectionOptions(
            host: settings.host, port: settings.port, security: security, tls: settings.tlsOptions,
            timeouts: settings.timeouts, allowPlaintextLogin: settings.allowPlaintextLogin)
        let client = try await POP3Client.connect(options, trace: settings.labelledTrace)
        do {
            if let credentials = Self.credentials(login) {
                try await client.login(credentials)
            } else if case .bearer(let user, let tokens, let mechanism) = login.method {
                try await BearerLogin.perform(user: user, provider: tokens, server: serverName) { token in
                    try await client.login(.bearer(user: user, token: token, mechanism: mechanism))
                }
            }
        } catch {
            await client.quit()
            throw POP3ErrorMapping.storeError(error, server: serverName)
        }
        return client
    }

    /// Admin logins: SASL PLAIN with the user as authorization identity, or Dovecot's `user*admin` name.
    /// Nil for OAuth2, whose token is fetched when the session logs in.
    static func credentials(_ login: ServerLogin) -> POP3Credentials? {
        switch login.method {
        case .password(let user, let password):
            return .userPass(user: user, password: password.revealed())
        case .authzid(let user, let admin, let password):
            return .plain(authzid: user, authcid: admin, password: password.revealed())
        case .separator(let user, let admin, let separator, let password):
            return .userPass(user: user + separator + admin, password: password.revealed())
        case .bearer:
            return nil
        }
    }

    static func security(_ security: SourceEndpoint.Security) -> POP3Security {
        switch security {
        case .implicitTLS: return .implicitTLS
        case .startTLSRequired: return .plain(stls: .required)
        case .startTLSOptional: return .plain(stls: .optional)
        case .plain: return .plain(stls: .never)
        }
    }
}
