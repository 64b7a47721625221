import IMAP
import MailferryCore
import OAuth2
import POP3

/// Signs a mailbox in with an OAuth2 bearer token over IMAP or POP3. A cached token that the server
/// refuses is discarded and a fresh one tried once more (it may have been revoked or expired early);
/// a fresh token that is refused fails that user only, with the server's JSON status.
enum BearerLogin {
    static func perform(
        user: String, provider: BearerTokenProvider, server: String,
        signIn: (String) async throws -> Void
    ) async throws {
        var issued = try await token(for: user, from: provider)
        var renewed = false
        while true {
            do {
                try await signIn(issued.token.revealed())
                return
            } catch {
                guard let detail = refusal(error) else { throw error }
                guard issued.isFresh || renewed else {
                    await provider.discard(issued.token, for: user)
                    issued = try await token(for: user, from: provider)
                    renewed = true
                    continue
                }
                throw StoreError.oauth2(reason: refusedMessage(user: user, server: server, detail: detail))
            }
        }
    }

    static func token(for user: String, from provider: BearerTokenProvider) async throws(StoreError)
        -> BearerTokenProvider.Issued
    {
        do {
            return try await provider.token(for: user)
        } catch {
            throw .oauth2(reason: error.userMessage)
        }
    }

    /// The catalogue's wording for a token the mail server would not take.
    static func refusedMessage(user: String, server: String, detail: String) -> String {
        "the server refused the OAuth2 token for \(user) at \(server): \(detail); the app or service account is "
            + "not permitted on this mailbox or the token's scope is wrong (Microsoft: Add-MailboxPermission "
            + "FullAccess for the app's Exchange service principal; Google: IMAP enabled and the scope "
            + "https://mail.google.com/ delegated)"
    }

    /// The server's reason when the error is a refused login, nil for anything else.
    private static func refusal(_ error: any Error) -> String? {
        switch error {
        case IMAPError.tokenRefused(let challenge, let text): "\(challenge) (\(text))"
        case IMAPError.loginFailed(let text): "\(text)"
        case POP3Error.tokenRefused(let challenge, let serverText): "\(challenge) (\(serverText))"
        case POP3Error.loginFailed(let serverText): serverText
        default: nil
        }
    }
}
