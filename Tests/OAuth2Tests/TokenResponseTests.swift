import Crypto
import Foundation
import MailferryCore
import NIOCore
import Testing
import _CryptoExtras

@testable import OAuth2

@Suite("OAuth2 token responses, JWT assertions and token commands")
struct TokenResponseTests {
    private func interpret(_ status: Int, _ json: String, mailbox: String? = nil) throws(OAuth2Error) -> BearerToken {
        try TokenEndpointClient.interpret(
            status: status, body: ByteBuffer(string: json), endpoint: "https://login.example/token", mailbox: mailbox,
            now: ContinuousClock.now)
    }

    @Test func aTokenResponseIsRenewedAQuarterBeforeItExpires() throws {
        let now = ContinuousClock.now
        let token = try TokenEndpointClient.interpret(
            status: 200, body: ByteBuffer(string: #"{"access_token":"abc","token_type":"Bearer","expires_in":8}"#),
            endpoint: "e", mailbox: nil, now: now)
        #expect(token.value.revealed() == "abc")
        #expect(token.expiresAt == now + .seconds(6))
        #expect(token.isUsable(at: now + .seconds(5)))
        #expect(!token.isUsable(at: now + .seconds(6)))
    }

    @Test func errorResponsesBecomeTheCataloguedErrors() {
        #expect(
            throws: OAuth2Error.invalidClient(
                endpoint: "https://login.example/token", description: "AADSTS7000215: Invalid client secret provided.")
        ) {
            try interpret(
                401, #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#
            )
        }
        #expect(throws: OAuth2Error.unauthorizedClient(endpoint: "https://login.example/token", description: "")) {
            try interpret(401, #"{"error":"unauthorized_client"}"#)
        }
        #expect(
            throws: OAuth2Error.mailboxNotPermitted(user: "zoe@example.com", description: "Invalid email or User ID")
        ) {
            try interpret(
                400, #"{"error":"invalid_grant","error_description":"Invalid email or User ID"}"#,
                mailbox: "zoe@example.com")
        }
        #expect(
            throws: OAuth2Error.tokenRequestRefused(
                endpoint: "https://login.example/token", status: 503, error: "", description: "")
        ) {
            try interpret(503, "<html>down</html>")
        }
        #expect(
            throws: OAuth2Error.invalidResponse(
                endpoint: "https://login.example/token", reason: "the answer has no access_token")
        ) {
            try interpret(200, #"{"token_type":"Bearer"}"#)
        }
    }

    @Test func formEncodingEscapesEverythingButUnreservedCharacters() {
        #expect(
            TokenEndpointClient.formEncoded([("client_secret", "a+b/c=d&e f~")])
                == "client_secret=a%2Bb%2Fc%3Dd%26e%20f~")
        #expect(
            TokenEndpointClient.endpointName("https://login.example:8443/t/token?secret=x")
                == "https://login.example:8443/t/token")
    }

    @Test func aJWTAssertionIsSignedRS256AndVerifiesWithThePublicKey() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let jwt = try JWTAssertion(
            issuer: "migrator@project.iam.gserviceaccount.com", subject: "alice@example.com",
            scope: "https://mail.google.com/", audience: "https://oauth2.googleapis.com/token",
            issuedAt: Date(timeIntervalSince1970: 1_700_000_000)
        ).signed(with: Secret(key.pemRepresentation))
        let parts = jwt.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        func decode(_ text: String) -> Data? {
            var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            return Data(base64Encoded: base64)
        }
        let header = try #require(decode(parts[0]))
        #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"RS256","typ":"JWT"}"#)
        let claims = try #require(
            decode(parts[1]).flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] })
        #expect(claims["sub"] as? String == "alice@example.com")
        #expect(claims["iss"] as? String == "migrator@project.iam.gserviceaccount.com")
        #expect(claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(claims["exp"] as? Int == 1_700_003_600)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(decode(parts[2])))
        let signed = Data((parts[0] + "." + parts[1]).utf8)
        #expect(key.publicKey.isValidSignature(signature, for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5))
        #expect(
            !key.publicKey.isValidSignature(
                signature, for: SHA256.hash(data: Data("x".utf8)), padding: .insecurePKCS1v1_5))
    }

    @Test func aTokenCommandGetsTheUserAndItsStandardErrorIsNeverShown() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "oauth2-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("get-token").path
        try """
        #!/bin/sh
        echo "client secret is hunter2" >&2
        [ "$1" = fail@example.com ] && exit 3
        [ "$1" = slow@example.com ] && exec sleep 30
        printf 'token-for-%s\\n' "$1"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let command = TokenCommand(
            // Through /bin/sh: executing a file this process has just written can fail with ETXTBSY when
            // another test forks at that moment.
            argv: ["sh", "get-token", "{user}"],
            lookup: ProgramLookup(path: "/usr/bin:/bin", directory: directory.path),
            environment: [:], timeout: .seconds(1))
        #expect(try await command.token(for: "alice@example.com").value.revealed() == "token-for-alice@example.com")
        await #expect(throws: OAuth2Error.commandFailed(program: "sh", reason: "it exited with status 3")) {
            _ = try await command.token(for: "fail@example.com")
        }
        await #expect(
            throws: OAuth2Error.commandFailed(program: "sh", reason: "it was stopped after 1 s or by a signal")
        ) {
            _ = try await command.token(for: "slow@example.com")
        }
    }
}
