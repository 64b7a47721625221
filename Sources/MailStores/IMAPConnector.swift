import IMAP
import MailTransport
import MailferryCore
import NIOCore

/// Opens a logged-in IMAP session to one endpoint with the job's TLS and timeout settings.
struct IMAPConnector: Sendable {
    var settings: ServerConnectionSettings
    var security: IMAPConnectionSecurity

    var serverName: String { settings.serverName }

    func connect(login: ServerLogin) async throws -> IMAPClient {
        let configuration = IMAPClientConfiguration(
            host: settings.host, port: settings.port, security: security, tls: settings.tlsOptions,
            timeouts: settings.timeouts, allowPlaintextLogin: settings.allowPlaintextLogin,
            trace: settings.labelledTrace,
            commandSent: settings.commandSent, literalBytesSent: settings.literalBytesSent)
        // Left an IMAPError, so that callers can tell a refused connection and try the next endpoint.
        let client = try await IMAPClient.connect(configuration)
        do {
            switch login.method {
            case .password(let user, let password):
                try await client.login(user: user, password: password.revealed())
            case .authzid(let user, let admin, let password):
                try await client.authenticatePlain(
                    authorizationIdentity: user, authenticationIdentity: admin, password: password.revealed())
            case .separator(let user, let admin, let separator, let password):
                try await client.login(
                    user: user, masterUser: admin, separator: separator, password: password.revealed())
            case .bearer(let user, let tokens, let mechanism):
                try await BearerLogin.perform(user: user, provider: tokens, server: serverName) { token in
                    try await client.authenticate(bearerToken: token, user: user, mechanism: mechanism)
                }
            }
        } catch {
            try? await client.logout()
            throw IMAPErrorMapping.storeError(error, server: serverName)
        }
        return client
    }
}
