import Foundation
import MailferryCore
import TestSupport
import Testing

@testable import OAuth2

/// The provider against the real token service (scripts/oauth2-token-service over TLS with the test CA).
@Suite("BearerTokenProvider against a real token endpoint")
struct BearerTokenProviderTests {
    static let caFile = "/tmp/mailferry-test-cert/cert.pem"
    static let mailboxes = (1...12).map { "user\($0)@example.com" }

    private func provider(_ source: OAuth2Settings.TokenSource, environment: [String: String] = [:])
        -> BearerTokenProvider
    {
        BearerTokenProvider(
            settings: OAuth2Settings(source: source), tls: TLSSettings(caFile: Self.caFile), environment: environment,
            directory: "/")
    }

    private func withService<T>(_ options: OAuth2TokenService.Options, _ body: (OAuth2TokenService) async throws -> T)
        async throws -> T
    {
        _ = try await OAuth2TokenService.ensureTestCertificate()
        let service = try await OAuth2TokenService.start(options)
        do {
            let result = try await body(service)
            service.stop()
            return result
        } catch {
            service.stop()
            throw error
        }
    }

    @Test func clientCredentialsAreRequestedOnceForManyMailboxesStartingTogether() async throws {
        try await withService(.init(lifetime: 60, clients: [("app", "right-secret")], mailboxes: Self.mailboxes)) {
            service in
            let tokens = provider(
                .clientCredentials(
                    .init(
                        tenant: nil, clientID: "app", clientSecret: .environment("SECRET"),
                        tokenURL: service.tokenURL)),
                environment: ["SECRET": "right-secret"])
            let issued = try await withThrowingTaskGroup(of: String.self) { group in
                for user in Self.mailboxes { group.addTask { try await tokens.token(for: user).token.revealed() } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(issued.count == 1)
            #expect(service.requestCounts()["client_credentials"] == 1)
            #expect(await tokens.requestCount == 1)
        }
    }

    @Test func aWrongClientSecretFailsEveryMailboxAfterOneRequest() async throws {
        try await withService(.init(clients: [("app", "right-secret")], mailboxes: Self.mailboxes)) { service in
            let tokens = provider(
                .clientCredentials(
                    .init(
                        tenant: nil, clientID: "app", clientSecret: .environment("SECRET"),
                        tokenURL: service.tokenURL)),
                environment: ["SECRET": "wrong-secret"])
            for user in Self.mailboxes {
                await #expect {
                    _ = try await tokens.token(for: user)
                } throws: { error in
                    guard case OAuth2Error.invalidClient = error else { return false }
                    let message = (error as? OAuth2Error)?.userMessage ?? ""
                    return message.hasPrefix("OAuth2 client rejected (invalid_client)")
                        && !message.contains("wrong-secret")
                }
            }
            #expect(service.requestCounts()["client_credentials"] == 1)
        }
    }

    @Test func aServiceAccountGetsOneTokenPerMailboxAndOnlyForPermittedMailboxes() async throws {
        // The key is made first: the service verifies assertions with its public half.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oauth2-sa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let email = "migrator@mailferry-test.iam.gserviceaccount.com"
        let key = try await OAuth2TokenService.makeServiceAccountKey(
            in: directory.path, email: email, tokenURI: "https://oauth2.googleapis.com/token")
        try await withService(
            .init(
                lifetime: 300, serviceAccounts: [(email, key.publicKeyFile)],
                mailboxes: ["alice@example.com", "bob@example.com"])
        ) { service in
            let tokens = provider(.serviceAccount(.init(keyFile: key.keyFile, tokenURL: service.tokenURL)))
            let alice = try await tokens.token(for: "alice@example.com")
            let bob = try await tokens.token(for: "bob@example.com")
            #expect(alice.token != bob.token)
            #expect(try await tokens.token(for: "alice@example.com").isFresh == false)
            await #expect(
                throws: OAuth2Error.mailboxNotPermitted(
                    user: "zoe@example.com", description: "Invalid email or User ID")
            ) {
                _ = try await tokens.token(for: "zoe@example.com")
            }
            let lines = try String(contentsOfFile: service.tokensFile, encoding: .utf8).split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("\(alice.token.revealed()) alice@example.com ") })
            #expect(service.requestCounts()["jwt_bearer"] == 3)
        }
    }

    @Test func delegationNotGrantedIsUnauthorizedClient() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oauth2-sa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let email = "nodelegation@mailferry-test.iam.gserviceaccount.com"
        let key = try await OAuth2TokenService.makeServiceAccountKey(
            in: directory.path, email: email, tokenURI: "https://x/token")
        try await withService(
            .init(
                serviceAccounts: [(email, key.publicKeyFile)], mailboxes: ["alice@example.com"],
                unauthorizedClients: [email])
        ) { service in
            let tokens = provider(.serviceAccount(.init(keyFile: key.keyFile, tokenURL: service.tokenURL)))
            await #expect {
                _ = try await tokens.token(for: "alice@example.com")
            } throws: { error in
                (error as? OAuth2Error)?.userMessage.hasPrefix("OAuth2 delegation not granted (unauthorized_client)")
                    == true
            }
        }
    }

    @Test func anUnreachableEndpointIsNamedWithoutItsForm() async throws {
        let tokens = provider(
            .clientCredentials(
                .init(
                    tenant: nil, clientID: "app", clientSecret: .environment("SECRET"),
                    tokenURL: "https://127.0.0.1:1/token")),
            environment: ["SECRET": "s3cret-value"])
        await #expect {
            _ = try await tokens.token(for: "alice@example.com")
        } throws: { error in
            let message = (error as? OAuth2Error)?.userMessage ?? ""
            return message.hasPrefix("OAuth2 token endpoint unreachable: https://127.0.0.1:1/token")
                && !message.contains("s3cret-value")
        }
    }

    @Test func aDiscardedTokenIsReplacedByAFreshOne() async throws {
        try await withService(.init(lifetime: 60, clients: [("app", "s")], mailboxes: ["alice@example.com"])) {
            service in
            let tokens = provider(
                .clientCredentials(
                    .init(tenant: nil, clientID: "app", clientSecret: .environment("S"), tokenURL: service.tokenURL)),
                environment: ["S": "s"])
            let first = try await tokens.token(for: "alice@example.com")
            await tokens.discard(first.token, for: "alice@example.com")
            let second = try await tokens.token(for: "alice@example.com")
            #expect(second.isFresh)
            #expect(second.token != first.token)
            #expect(service.requestCounts()["client_credentials"] == 2)
        }
    }
}
