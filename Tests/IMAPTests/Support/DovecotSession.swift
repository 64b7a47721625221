import MailTransport
import TestSupport

@testable import IMAP

/// Starting real Dovecot servers and IMAP sessions against them.
enum DovecotSession {
    static let options = DovecotServer.Options(
        users: [("alice", "alicepw"), ("bob", "bobpw")], masterUser: ("admin", "adminpw"), pop3: false)

    /// Runs `body` against a fresh server and always stops it.
    static func withServer<T>(_ body: (DovecotServer) async throws -> T) async throws -> T {
        let server = try await DovecotServer.start(options)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func configuration(
        _ server: DovecotServer, security: IMAPConnectionSecurity, caFile: Bool = true,
        allowPlaintextLogin: Bool = false
    ) -> IMAPClientConfiguration {
        let port = security == .implicitTLS ? server.imapsPort : server.imapPort
        return IMAPClientConfiguration(
            host: server.host, port: port, security: security,
            tls: TLSOptions(caFile: caFile ? server.caFile : nil), allowPlaintextLogin: allowPlaintextLogin)
    }

    /// A logged-in session as `user` over implicit TLS.
    static func login(_ server: DovecotServer, user: String = "alice", password: String = "alicepw") async throws
        -> IMAPClient
    {
        let client = try await IMAPClient.connect(configuration(server, security: .implicitTLS))
        try await client.login(user: user, password: password)
        return client
    }
}
