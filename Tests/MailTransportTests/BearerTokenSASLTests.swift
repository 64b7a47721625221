import MailTransport
import Testing

@Suite("SASL XOAUTH2 / OAUTHBEARER messages")
struct BearerTokenSASLTests {
    private func decoded(_ base64: String) -> String? {
        SASLBase64.decode(base64).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func initialResponsesAreByteExact() throws {
        let xoauth2 = try BearerTokenSASL.xoauth2.initialResponse(
            user: "a@b.example", token: "tok", host: "h", port: 993)
        #expect(xoauth2 == "dXNlcj1hQGIuZXhhbXBsZQFhdXRoPUJlYXJlciB0b2sBAQ==")
        #expect(decoded(xoauth2) == "user=a@b.example\u{1}auth=Bearer tok\u{1}\u{1}")
        let bearer = try BearerTokenSASL.oauthbearer.initialResponse(
            user: "a@b.example", token: "tok", host: "imap.b.example", port: 993)
        #expect(
            decoded(bearer) == "n,a=a@b.example,\u{1}host=imap.b.example\u{1}port=993\u{1}auth=Bearer tok\u{1}\u{1}")
    }

    @Test func controlCharactersAndEmptyTokensAreRefused() {
        #expect(throws: BearerTokenError.controlCharacter) {
            try BearerTokenSASL.xoauth2.initialResponse(user: "a", token: "t\u{1}auth=x", host: nil, port: nil)
        }
        #expect(throws: BearerTokenError.emptyToken) {
            try BearerTokenSASL.xoauth2.initialResponse(user: "a", token: "", host: nil, port: nil)
        }
    }

    @Test func autoPrefersOAuthBearerThenXOAuth2() {
        #expect(BearerTokenSASL.preferred(offered: ["PLAIN", "xoauth2", "OAUTHBEARER"]) == .oauthbearer)
        #expect(BearerTokenSASL.preferred(offered: ["PLAIN", "XOAUTH2"]) == .xoauth2)
        #expect(BearerTokenSASL.preferred(offered: ["PLAIN"]) == nil)
    }

    @Test func errorChallengesAreDecodedAndSanitised() {
        #expect(BearerTokenSASL.describeChallenge("eyJzdGF0dXMiOiI0MDAifQ==") == #"{"status":"400"}"#)
        #expect(BearerTokenSASL.describeChallenge("AQ==") == "?")
        #expect(BearerTokenSASL.describeChallenge("not base64!") == "an undecodable challenge")
        #expect(SASLBase64.decode("QQ=A") == nil)
        #expect(SASLBase64.decode("") == [])
    }
}
