import Foundation
import IMAP
import MailTransport
import MailferryCore
import OAuth2
import POP3

/// Turns a job and one of its accounts into the stores that reach that mailbox: the source over the
/// endpoints of `job.source.route` (POP3 for INBOX and IMAP for the rest under `auto`), and the IMAP or
/// Maildir destination. Admin secrets are resolved when a store logs in, never earlier.
public struct StoreFactory: Sendable {
    public let job: Job
    public let environment: [String: String]
    /// Receives redacted protocol traces (`--verbose`); never a password.
    public let trace: (@Sendable (String) -> Void)?
    /// Told what goes out on each IMAP destination connection; for the crash-test aid only.
    public let destinationWire: DestinationWireObserver?
    /// One TLS context per TLS setting for all the job's connections.
    private let tlsContexts = TLSContextCache()
    /// One per side that signs in with `auth.oauth2`, shared by all mailboxes (tokens cached in memory).
    private let sourceTokens: BearerTokenProvider?
    private let destinationTokens: BearerTokenProvider?
    /// `limits.connections` of each side, shared by all mailboxes of the job (without it, only counting,
    /// so that a refusal while others are open is known as a throttle).
    private let sourceGate: ConnectionGate
    private let destinationGate: ConnectionGate
    /// What `limits` rates are measured on.
    private let clock: any LimitClock
    /// Where each mailbox's daily budget (`limits.bytes_per_day`) is kept between runs: a file per
    /// source user and side in the job's state; nil keeps it in memory only.
    private let budgetFile: (@Sendable (_ sourceUser: String, _ side: ServerLimits.Side) -> String)?
    /// The wall clock daily budgets count on.
    private let now: @Sendable () -> Date
    /// `limits.server` of each side, shared by all mailboxes of the job.
    private let sourceServer: ServerTraffic?
    private let destinationServer: ServerTraffic?

    /// - Parameter environment: the process environment, passed in by the CLI (for `env:` secrets).
    public init(
        job: Job, environment: [String: String], trace: (@Sendable (String) -> Void)? = nil,
        destinationWire: DestinationWireObserver? = nil,
        clock: any LimitClock = SystemLimitClock(),
        budgetFile: (@Sendable (_ sourceUser: String, _ side: ServerLimits.Side) -> String)? = nil,
        serverBudgetFile: (@Sendable (_ side: ServerLimits.Side) -> String)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.job = job
        self.clock = clock
        self.budgetFile = budgetFile
        self.now = now
        sourceGate = ConnectionGate(limit: job.source.limits.connections)
        destinationGate = ConnectionGate(limit: job.destination.limits.connections)
        func server(_ limits: ServerLimits, side: ServerLimits.Side, provider: MailProvider) -> ServerTraffic? {
            let daily = limits.server.bytesPerDay.map {
                DailyBudget(
                    limit: $0, side: side, provider: provider, serverWide: true, file: serverBudgetFile?(side), now: now
                )
            }
            return ServerTraffic(limits: limits.server, daily: daily)
        }
        sourceServer = server(job.source.limits, side: .source, provider: job.source.provider)
        destinationServer = server(job.destination.limits, side: .destination, provider: job.destination.provider)
        self.environment = environment
        self.trace = trace
        self.destinationWire = destinationWire
        let directory = (job.file as NSString).deletingLastPathComponent
        sourceTokens = job.source.oauth2.map {
            BearerTokenProvider(settings: $0, tls: job.source.tls, environment: environment, directory: directory)
        }
        if case .imap(let destination) = job.destination, let settings = destination.oauth2 {
            destinationTokens = BearerTokenProvider(
                settings: settings, tls: destination.tls, environment: environment, directory: directory)
        } else {
            destinationTokens = nil
        }
    }

    /// Connections are opened (and logged in) only when the engine calls the connector's closures.
    /// The mailbox's rates (`limits`) hold across the connector's sessions, retries included.
    public func connector(for account: Account) -> StoreConnector {
        let sourcePacer = TrafficPacer(
            limits: job.source.limits, clock: clock,
            daily: budget(job.source.limits, side: .source, provider: job.source.provider, user: account.sourceUser),
            server: sourceServer)
        let destinationPacer = TrafficPacer(
            limits: job.destination.limits, clock: clock,
            daily: budget(
                job.destination.limits, side: .destination, provider: job.destination.provider, user: account.sourceUser
            ), server: destinationServer)
        return StoreConnector(
            openSource: { try await openLimitedSource(for: account, pacer: sourcePacer) },
            openDestination: { try await openLimitedDestination(for: account, pacer: destinationPacer) },
            affinity: EventLoopAffinity())
    }

    private func budget(_ limits: ServerLimits, side: ServerLimits.Side, provider: MailProvider, user: String)
        -> DailyBudget?
    {
        limits.bytesPerDay.map {
            DailyBudget(limit: $0, side: side, provider: provider, file: budgetFile?(user, side), now: now)
        }
    }

    /// The most connections open at once to each side so far (nil for a side without a cap).
    public func peakConnections() async -> (source: Int?, destination: Int?) {
        (
            job.source.limits.connections == nil ? nil : await sourceGate.peak,
            job.destination.limits.connections == nil ? nil : await destinationGate.peak
        )
    }

    private func openLimitedSource(for account: Account, pacer: TrafficPacer) async throws -> any SourceStore {
        let route = job.source.route
        let connections = await sourceGate.acquire(route.inboxUsesFolderEndpoints || route.folders.isEmpty ? 1 : 2)
        await SessionPairing.current?.sourceIsPlaced()
        do {
            let store = try await openSource(for: account)
            await sourceGate.connected(connections)
            return LimitedSourceStore(inner: store, pacer: pacer, gate: sourceGate, connections: connections)
        } catch {
            throw await ConnectionRefusal.classify(error, gate: sourceGate, holding: connections)
        }
    }

    private func openLimitedDestination(for account: Account, pacer: TrafficPacer) async throws
        -> any DestinationStore
    {
        await SessionPairing.current?.waitForSource()
        let connections = await destinationGate.acquire(1)
        do {
            let store = try await openDestination(for: account)
            await destinationGate.connected(connections)
            return LimitedDestinationStore(inner: store, pacer: pacer, gate: destinationGate, connections: connections)
        } catch {
            throw await ConnectionRefusal.classify(error, gate: destinationGate, holding: connections)
        }
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
            admin: source.admin, adminPassword: source.oauth2 == nil ? try resolve(source.admin) : nil,
            tokens: sourceTokens)
        if route.inboxUsesFolderEndpoints {
            return try await openIMAPSource(route.folders, login: login, inbox: true)
        }
        // POP3 for INBOX (pop3, pop3s, auto); IMAP for the other folders when auto has IMAP ports.
        let inbox = try await openPOP3Source(route.inbox, login: login)
        guard !route.folders.isEmpty else { return inbox }
        do {
            let others = try await openIMAPSource(route.folders, login: login, inbox: false)
            return AutoSourceStore(inbox: inbox, others: others)
        } catch {
            await inbox.close()
            throw error
        }
    }

    /// Tries the IMAP endpoints in order; a refused connection falls through to the next one.
    /// - Parameter inbox: whether this session also serves INBOX (its endpoint then shows for INBOX).
    private func openIMAPSource(_ endpoints: [SourceEndpoint], login: ServerLogin, inbox: Bool) async throws
        -> any SourceStore
    {
        var lastError: (any Error)?
        for endpoint in endpoints where endpoint.kind == .imap {
            let connector = IMAPConnector(
                settings: sourceSettings(endpoint), security: Self.security(endpoint.security))
            do {
                let client = try await connector.connect(login: login)
                let description = endpoint.description
                return IMAPSourceStore(
                    client: client, serverName: connector.serverName,
                    endpoints: UserPlan.Endpoints(inbox: inbox ? description : nil, folders: description))
            } catch  where IMAPErrorMapping.isConnectionRefused(error) {
                lastError = error
                continue
            } catch {
                throw IMAPErrorMapping.storeError(error, server: connector.serverName)
            }
        }
        if let lastError { throw IMAPErrorMapping.storeError(lastError, server: job.source.host) }
        throw StoreError.unreachable(server: job.source.host, reason: "no IMAP port is enabled for the source")
    }

    /// Tries the POP3 endpoints in order; a refused connection falls through to the next one.
    private func openPOP3Source(_ endpoints: [SourceEndpoint], login: ServerLogin) async throws -> any SourceStore {
        var lastError: (any Error)?
        for endpoint in endpoints where endpoint.kind == .pop3 {
            let connector = POP3Connector(
                settings: sourceSettings(endpoint), security: POP3Connector.security(endpoint.security))
            do {
                let client = try await connector.connect(login: login)
                return POP3SourceStore(
                    client: client, serverName: connector.serverName,
                    endpoints: UserPlan.Endpoints(inbox: endpoint.description, folders: nil),
                    spoolDirectory: spoolDirectory)
            } catch  where POP3ErrorMapping.isConnectionRefused(error) {
                lastError = error
                continue
            } catch {
                throw POP3ErrorMapping.storeError(error, server: connector.serverName)
            }
        }
        if let lastError { throw POP3ErrorMapping.storeError(lastError, server: job.source.host) }
        throw StoreError.unreachable(server: job.source.host, reason: "no POP3 port is enabled for the source")
    }

    /// Where POP3 bodies are spooled (in a private subdirectory): `TMPDIR` from the environment the CLI
    /// passed in, else /tmp.
    private var spoolDirectory: String {
        guard let directory = environment["TMPDIR"], !directory.isEmpty else { return "/tmp" }
        return directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
    }

    func openDestination(for account: Account) async throws -> any DestinationStore {
        switch job.destination {
        case .maildir(let destination):
            // Local files: nothing to log in to. A user whose path would leave the template's directory
            // fails here with MaildirPathError, before anything is written.
            return try MaildirStore.open(template: destination.pathTemplate, user: account.destinationUser)
        case .imap(let destination):
            let login = try ServerLogin(
                user: account.destinationUser, password: account.localPassword, admin: destination.admin,
                adminPassword: destination.oauth2 == nil ? try resolve(destination.admin) : nil,
                tokens: destinationTokens)
            let security: IMAPConnectionSecurity
            switch destination.security {
            case .tls: security = .implicitTLS
            case .starttls: security = .plain(starttls: .required)
            case .none: security = .plain(starttls: .never)
            }
            var commandSent: (@Sendable (String) -> Void)?
            var literalBytesSent: (@Sendable (Int, Int) -> Void)?
            if let wire = destinationWire {
                let user = account.sourceUser
                commandSent = { command in wire.commandSent(user, command) }
                literalBytesSent = { sent, total in wire.literalBytesSent(user, sent, total) }
            }
            let connector = IMAPConnector(
                settings: ServerConnectionSettings(
                    host: destination.host, port: destination.port, tls: destination.tls,
                    allowPlaintextLogin: destination.allowPlaintextLogin, timeout: destination.timeout, trace: trace,
                    commandSent: commandSent, literalBytesSent: literalBytesSent,
                    tlsContexts: tlsContexts),
                security: security)
            do {
                let client = try await connector.connect(login: login)
                return IMAPDestinationStore(client: client, serverName: connector.serverName)
            } catch {
                throw IMAPErrorMapping.storeError(error, server: connector.serverName)
            }
        }
    }

    private func sourceSettings(_ endpoint: SourceEndpoint) -> ServerConnectionSettings {
        ServerConnectionSettings(
            host: endpoint.host, port: endpoint.port, tls: job.source.tls,
            allowPlaintextLogin: job.source.allowPlaintextLogin, timeout: job.source.timeout, trace: trace,
            tlsContexts: tlsContexts)
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
