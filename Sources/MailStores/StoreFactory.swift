import Foundation
import IMAP
import MailferryCore

/// Turns a job and one of its accounts into the stores that reach that mailbox: the source over the
/// endpoints of `job.source.route` (POP3 for INBOX and IMAP for the rest under `auto`), and the IMAP or
/// Maildir destination. Admin secrets are resolved when a store logs in, never earlier.
public struct StoreFactory: Sendable {
    public let job: Job
    public let environment: [String: String]
    /// Receives redacted protocol traces (`--verbose`); never a password.
    public let trace: (@Sendable (String) -> Void)?

    /// - Parameter environment: the process environment, passed in by the CLI (for `env:` secrets).
    public init(job: Job, environment: [String: String], trace: (@Sendable (String) -> Void)? = nil) {
        self.job = job
        self.environment = environment
        self.trace = trace
    }

    /// Connections are opened (and logged in) only when the engine calls the connector's closures.
    public func connector(for account: Account) -> StoreConnector {
        StoreConnector(
            openSource: { try await openSource(for: account) },
            openDestination: { try await openDestination(for: account) })
    }

    private var jobDirectory: String { (job.file as NSString).deletingLastPathComponent }

    private func resolve(_ admin: AdminLogin?) throws -> Secret? {
        guard let admin else { return nil }
        do {
            return try admin.password.resolve(environment: environment, relativeTo: jobDirectory)
        } catch {
            throw StoreError.loginFailed(server: "admin", reason: error.userMessage)
        }
    }

    func openSource(for account: Account) async throws -> any SourceStore {
        let source = job.source
        let route = source.route
        let login = try ServerLogin(
            user: account.sourceUser, password: account.sourcePassword.isEmpty ? nil : account.sourcePassword,
            admin: source.admin, adminPassword: try resolve(source.admin))
        guard route.inboxUsesFolderEndpoints, !route.folders.isEmpty else {
            throw StoreError.unreachable(
                server: source.host, reason: "POP3 sources are not supported by this build yet")
        }
        let (client, endpoint) = try await connectFirst(route.folders, login: login)
        let description = endpoint.description
        return IMAPSourceStore(
            client: client, serverName: "\(endpoint.host):\(endpoint.port)",
            endpoints: UserPlan.Endpoints(inbox: description, folders: description))
    }

    /// Tries the endpoints in order; a refused connection falls through to the next one.
    private func connectFirst(_ endpoints: [SourceEndpoint], login: ServerLogin) async throws
        -> (IMAPClient, SourceEndpoint)
    {
        var lastError: (any Error)?
        for endpoint in endpoints where endpoint.kind == .imap {
            let connector = IMAPConnector(
                host: endpoint.host, port: endpoint.port, security: Self.security(endpoint.security),
                tls: job.source.tls, allowPlaintextLogin: job.source.allowPlaintextLogin, timeout: job.source.timeout,
                trace: trace)
            do {
                return (try await connector.connect(login: login), endpoint)
            } catch where IMAPErrorMapping.isConnectionRefused(error) {
                lastError = error
                continue
            } catch {
                throw IMAPErrorMapping.storeError(error, server: connector.serverName)
            }
        }
        if let lastError { throw IMAPErrorMapping.storeError(lastError, server: job.source.host) }
        throw StoreError.unreachable(server: job.source.host, reason: "no IMAP port is enabled for the source")
    }

    func openDestination(for account: Account) async throws -> any DestinationStore {
        switch job.destination {
        case .maildir:
            throw StoreError.unreachable(server: "maildir", reason: "Maildir destinations are not supported by this build yet")
        case .imap(let destination):
            let login = try ServerLogin(
                user: account.destinationUser, password: account.localPassword, admin: destination.admin,
                adminPassword: try resolve(destination.admin))
            let security: IMAPConnectionSecurity
            switch destination.security {
            case .tls: security = .implicitTLS
            case .starttls: security = .plain(starttls: .required)
            case .none: security = .plain(starttls: .never)
            }
            let connector = IMAPConnector(
                host: destination.host, port: destination.port, security: security, tls: destination.tls,
                allowPlaintextLogin: destination.allowPlaintextLogin, timeout: destination.timeout, trace: trace)
            do {
                let client = try await connector.connect(login: login)
                return IMAPDestinationStore(client: client, serverName: connector.serverName)
            } catch {
                throw IMAPErrorMapping.storeError(error, server: connector.serverName)
            }
        }
    }

    static func security(_ security: SourceEndpoint.Security) -> IMAPConnectionSecurity {
        switch security {
        case .implicitTLS: return .implicitTLS
        case .startTLSRequired: return .plain(starttls: .required)
        case .startTLSOptional: return .plain(starttls: .optional)
        case .plain: return .plain(starttls: .never)
        }
    }
}
