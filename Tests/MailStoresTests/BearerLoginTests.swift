import Foundation
import IMAP
import MailferryCore
import OAuth2
import POP3
import Synchronization
import Testing

@testable import MailStores

/// A cached token that the server refuses is replaced once; a fresh one that is refused fails the user.
@Suite struct BearerLoginTests {
    private func tokenFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "bearer-login-\(UUID().uuidString).token"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private static let refused = IMAPError.loginFailed(
        IMAPResponseText(code: .authenticationFailed, text: "Authentication failed.", rawCode: "AUTHENTICATIONFAILED"))

    @Test func aRefusedCachedTokenIsRenewedOnceAndTheLoginGoesOn() async throws {
        let path = try tokenFile("revoked-token\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokens = BearerTokenProvider(
            settings: OAuth2Settings(source: .token(.file(path))), tls: TLSSettings(), environment: [:], directory: "/")
        _ = try await tokens.token(for: "alice")  // cached now, as after an earlier mailbox
        try "renewed-token\n".write(toFile: path, atomically: true, encoding: .utf8)
        let tried = Mutex<[String]>([])
        try await BearerLogin.perform(user: "alice", provider: tokens, server: "new:993") { token in
            tried.withLock { $0.append(token) }
            if token == "revoked-token" { throw Self.refused }
        }
        #expect(tried.withLock { $0 } == ["revoked-token", "renewed-token"])
    }

    @Test func aRefusedFreshTokenFailsWithTheCataloguedMessageAfterOneTry() async throws {
        let path = try tokenFile("some-token")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokens = BearerTokenProvider(
            settings: OAuth2Settings(source: .token(.file(path))), tls: TLSSettings(), environment: [:], directory: "/")
        let tries = Mutex(0)
        await #expect {
            try await BearerLogin.perform(user: "zoe", provider: tokens, server: "new:993") { _ in
                tries.withLock { $0 += 1 }
                throw POP3Error.tokenRefused(
                    challenge: #"{"status":"401"}"#, serverText: "[AUTH] Authentication failed.")
            }
        } throws: { error in
            guard case StoreError.oauth2(let reason) = error else { return false }
            return reason.hasPrefix(#"the server refused the OAuth2 token for zoe at new:993: {"status":"401"}"#)
                && !reason.contains("some-token")
        }
        #expect(tries.withLock { $0 } == 1)
    }

    @Test func otherFailuresPassThroughUntouched() async throws {
        let path = try tokenFile("t")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokens = BearerTokenProvider(
            settings: OAuth2Settings(source: .token(.file(path))), tls: TLSSettings(), environment: [:], directory: "/")
        await #expect(throws: IMAPError.serverBye(IMAPResponseText(code: nil, text: "bye", rawCode: nil))) {
            try await BearerLogin.perform(user: "alice", provider: tokens, server: "s") { _ in
                throw IMAPError.serverBye(IMAPResponseText(code: nil, text: "bye", rawCode: nil))
            }
        }
    }
}
