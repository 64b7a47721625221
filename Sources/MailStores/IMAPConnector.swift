import IMAP
import MailTransport
import MailferryCore
import NIOCore

/// Opens a logged-in IMAP session to one endpoint with the job's TLS and timeout settings.
struct IMAPConnector: Sendable {
    var host: String
    var port: Int
    var security: IMAPConnectionSecurity
    var tls: TLSSettings
    var allowPlaintextLogin: Bool
    var timeout: Duration
    var trace: (@Sendable (String) -> Void)?

    var serverName: String { "\(host):\(port)" }

    /// Traces of several sessions interleave; each line names its server.
    private var labelledTrace: (@Sendable (String) -> Void)? {
        guard let trace else { return nil }
        let label = serverName
        return { line in trace("\(label) \(line)") }
    }

    func connect(login: ServerLogin) async throws -> IMAPClient {
        let seconds = max(1, Int64(timeout.components.seconds))
        let configuration = IMAPClientConfiguration(
            host: host, port: port, security: security, tls: TLSOptions(verify: tls.verify, caFile: tls.caFile),
            timeouts: TransportTimeouts(connect: .seconds(min(seconds, 30)), idle: .seconds(seconds)),
            allowPlaintextLogin: allowPlaintextLogin, trace: labelledTrace)
        let client: IMAPClient
        do {
            client = try await IMAPClient.connect(configuration)
        } catch {
            throw error  // kept as IMAPError so callers can tell a refused connection
        }
        do {
            switch login.method {
            case .password(let user, let password):
                try await client.login(user: user, password: password.revealed())
            case .authzid(let user, let admin, let password):
                try await client.authenticatePlain(
                    authorizationIdentity: user, authenticationIdentity: admin, password: password.revealed())
            case .separator(let user, let admin, let separator, let password):
                try await client.login(user: user, masterUser: admin, separator: separator, password: password.revealed())
            }
        } catch {
            try? await client.logout()
            throw IMAPErrorMapping.storeError(error, server: serverName)
        }
        return client
    }
}
