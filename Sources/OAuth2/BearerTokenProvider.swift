import Foundation
import MailferryCore

/// Hands out the bearer token for a mailbox from one side's `auth.oauth2` settings, caching tokens in
/// memory only. A job-wide token (`token`, `client_credentials`) is requested once however many
/// mailboxes ask at the same moment; per-mailbox tokens (`token_command`, `service_account`) once per
/// mailbox. Tokens are renewed shortly before they expire. A failed request is remembered for the run,
/// so a wrong client secret costs one request, not one per mailbox.
public actor BearerTokenProvider {
    /// What a login used, so that a refusal can ask for a fresh one exactly once.
    public struct Issued: Sendable {
        public var token: Secret
        /// True when the token was obtained for this call rather than taken from the cache.
        public var isFresh: Bool
    }

    private enum Entry {
        case ready(BearerToken)
        case pending(Task<BearerToken, any Error>, id: Int)
        case failed(OAuth2Error)
    }

    public nonisolated let settings: OAuth2Settings
    private let tls: TLSSettings
    private let environment: [String: String]
    private let directory: String
    private var entries: [String: Entry] = [:]
    private var nextRequestID = 0
    /// Token endpoint requests made (for tests and the no-hammering promise).
    public private(set) var requestCount = 0

    /// - Parameters:
    ///   - tls: verification rules for the token endpoint (the side's `tls` settings).
    ///   - environment: the process environment the CLI passed in (`env:` secrets, PATH, the command's environment).
    ///   - directory: the job file's folder, for relative `file:` secrets and programs.
    public init(settings: OAuth2Settings, tls: TLSSettings, environment: [String: String], directory: String) {
        self.settings = settings
        self.tls = tls
        self.environment = environment
        self.directory = directory
    }

    /// A usable token for `user`, from the cache or newly obtained.
    public func token(for user: String) async throws(OAuth2Error) -> Issued {
        let key = cacheKey(for: user)
        while true {
            switch entries[key] {
            case .ready(let token) where token.isUsable(at: .now):
                return Issued(token: token.value, isFresh: false)
            case .failed(let error):
                throw error
            case .pending(let task, _):
                return Issued(token: try await Self.value(of: task).value, isFresh: true)
            default:
                nextRequestID += 1
                let id = nextRequestID
                let task = Task { try await self.obtain(for: user) }
                entries[key] = .pending(task, id: id)
                do {
                    let token = try await Self.value(of: task)
                    if case .pending(_, id)? = entries[key] { entries[key] = .ready(token) }
                    return Issued(token: token.value, isFresh: true)
                } catch {
                    if case .pending(_, id)? = entries[key] { entries[key] = .failed(error) }
                    throw error
                }
            }
        }
    }

    /// The server refused `token` for `user`: forget it (if it is still the cached one), so that the
    /// next `token(for:)` obtains a new one.
    public func discard(_ token: Secret, for user: String) {
        let key = cacheKey(for: user)
        if case .ready(let cached)? = entries[key], cached.value == token { entries[key] = nil }
    }

    private func cacheKey(for user: String) -> String {
        switch settings.source {
        case .token, .clientCredentials: ""
        case .command, .serviceAccount: user
        }
    }

    private static func value(of task: Task<BearerToken, any Error>) async throws(OAuth2Error) -> BearerToken {
        do {
            return try await task.value
        } catch let error as OAuth2Error {
            throw error
        } catch {
            throw .invalidResponse(endpoint: "token source", reason: "\(type(of: error))")
        }
    }

    private func obtain(for user: String) async throws(OAuth2Error) -> BearerToken {
        switch settings.source {
        case .token(let reference):
            return BearerToken(value: try resolve(reference), expiresAt: nil)
        case .command(let argv):
            let lookup = ProgramLookup(path: environment["PATH"], directory: directory)
            return try await TokenCommand(argv: argv, lookup: lookup, environment: environment).token(for: user)
        case .clientCredentials(let credentials):
            var fields = [
                ("grant_type", "client_credentials"), ("client_id", credentials.clientID),
                ("client_secret", try resolve(credentials.clientSecret).revealed()),
            ]
            fields.append(("scope", credentials.scope))
            requestCount += 1
            return try await TokenEndpointClient(tls: tls).requestToken(
                url: credentials.tokenURL, grant: .init(fields: fields, mailbox: nil))
        case .serviceAccount(let account):
            let key: ServiceAccountKey
            do {
                key = try ServiceAccountKey.load(path: account.keyFile)
            } catch {
                throw .keyUnusable(path: account.keyFile, reason: error.message)
            }
            let assertion: String
            do {
                assertion = try JWTAssertion(
                    issuer: key.clientEmail, subject: user, scope: account.scope, audience: account.tokenURL,
                    issuedAt: Date()
                ).signed(with: key.privateKeyPEM)
            } catch {
                throw .keyUnusable(path: account.keyFile, reason: error.reason)
            }
            requestCount += 1
            let fields = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)]
            return try await TokenEndpointClient(tls: tls).requestToken(
                url: account.tokenURL, grant: .init(fields: fields, mailbox: user))
        }
    }

    private func resolve(_ reference: SecretReference) throws(OAuth2Error) -> Secret {
        do {
            let secret = try reference.resolve(environment: environment, relativeTo: directory)
            guard !secret.isEmpty else { throw OAuth2Error.secretUnavailable("\(reference) is empty") }
            return secret
        } catch let error as OAuth2Error {
            throw error
        } catch let error as SecretResolutionError {
            throw .secretUnavailable(error.userMessage)
        } catch {
            throw .secretUnavailable("\(reference) cannot be read")
        }
    }
}
