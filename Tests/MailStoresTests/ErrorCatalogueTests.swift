import Foundation
import IMAP
import MailTransport
import MailferryCore
import OAuth2
import POP3
import Testing

@testable import MailStores

/// The messages in docs/errors.md are the messages the tool prints.
@Suite struct ErrorCatalogueTests {
    static func catalogue() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
    }

    static func text(_ code: IMAPResponseCode?, _ words: String) -> IMAPResponseText {
        IMAPResponseText(code: code, text: words, rawCode: code.map { "\($0)" })
    }

    /// (documented message prefix, an error as the stores produce it)
    static let cases: [(String, StoreError)] = [
        (
            "login failed at",
            IMAPErrorMapping.storeError(
                IMAPError.loginFailed(text(.authenticationFailed, "Authentication failed.")), server: "old:993")
        ),
        ("timed out during read", IMAPErrorMapping.storeError(TransportError.timedOut(.read), server: "old:993")),
        (
            "timed out on UID FETCH",
            IMAPErrorMapping.storeError(IMAPError.timedOut(command: "UID FETCH"), server: "old:993")
        ),
        (
            "the server closed the connection (socket disconnected)",
            IMAPErrorMapping.storeError(TransportError.disconnected, server: "old:993")
        ),
        (
            "the server closed the session (BYE)",
            IMAPErrorMapping.storeError(IMAPError.serverBye(text(nil, "Server shutting down.")), server: "old:993")
        ),
        (
            "TLS certificate verification failed for",
            IMAPErrorMapping.storeError(
                TransportError.tlsVerificationFailed(host: "old", reason: "self signed"), server: "old:993")
        ),
        (
            "TLS handshake with",
            IMAPErrorMapping.storeError(
                TransportError.tlsHandshakeFailed(host: "old", reason: "no shared cipher"), server: "old:993")
        ),
        (
            "the server does not offer STARTTLS",
            IMAPErrorMapping.storeError(IMAPError.startTLSUnavailable, server: "old:143")
        ),
        (
            "refusing to send credentials over an unencrypted connection",
            IMAPErrorMapping.storeError(IMAPError.plaintextLoginRefused, server: "old:143")
        ),
        (
            "connection refused by",
            IMAPErrorMapping.storeError(TransportError.connectionRefused(host: "old", port: 993), server: "old:993")
        ),
        (
            "host name not found",
            IMAPErrorMapping.storeError(TransportError.nameNotFound(host: "old"), server: "old:993")
        ),
        ("folder creation refused for", .folderRefused(folder: "A.B", reason: "invalid name")),
        (
            "message refused by the destination: message too large for the destination",
            IMAPErrorMapping.storeError(
                IMAPError.commandFailed(command: "APPEND", status: .no, text: text(.limit, "Message too large")),
                server: "new:993")
        ),
        (
            "message refused by the destination",
            IMAPErrorMapping.storeError(
                IMAPError.commandFailed(command: "APPEND", status: .no, text: text(nil, "Rejected")), server: "new:993")
        ),
        (
            "throttled by",
            IMAPErrorMapping.storeError(
                IMAPError.commandFailed(
                    command: "UID FETCH", status: .no,
                    text: text(nil, "Request is throttled. Suggested Backoff Time: 299961 milliseconds")),
                server: "outlook.office365.com:993")
        ),
        (
            "throttled by",
            POP3ErrorMapping.storeError(
                POP3Error.loginFailed(serverText: "[LOGIN-DELAY] wait 5 minutes"), server: "old:110")
        ),
        (
            "daily budget used up",
            .budgetExhausted(
                side: "destination", limit: 500_000_000, provider: "gmail",
                resumeAt: Date(timeIntervalSince1970: 1_800_000_000))
        ),
        (
            "quota exceeded on the destination",
            IMAPErrorMapping.storeError(
                IMAPError.commandFailed(command: "APPEND", status: .no, text: text(.overQuota, "Quota exceeded")),
                server: "new:993")
        ),
        ("message vanished from the source", .messageVanished(folder: "INBOX", uid: 7)),
        ("cannot open folder", .folderUnavailable(folder: "Gone", reason: "no such mailbox")),
        (
            "protocol error from",
            IMAPErrorMapping.storeError(IMAPError.protocolError("unexpected byte"), server: "old:993")
        ),
        // The same messages from POP3 sources.
        (
            "login failed at",
            POP3ErrorMapping.storeError(
                POP3Error.loginFailed(serverText: "[AUTH] Authentication failed."), server: "old:995")
        ),
        (
            "the server closed the connection (socket disconnected)",
            POP3ErrorMapping.storeError(POP3Error.serverClosed, server: "old:995")
        ),
        (
            "the server closed the connection (socket disconnected)",
            POP3ErrorMapping.storeError(POP3Error.transport(.disconnected), server: "old:995")
        ),
        (
            "timed out during read",
            POP3ErrorMapping.storeError(POP3Error.transport(.timedOut(.read)), server: "old:995")
        ),
        ("the server does not offer STARTTLS", POP3ErrorMapping.storeError(POP3Error.tlsNotOffered, server: "old:110")),
        (
            "refusing to send credentials over an unencrypted connection",
            POP3ErrorMapping.storeError(POP3Error.plaintextLoginRefused, server: "old:110")
        ),
        (
            "connection refused by",
            POP3ErrorMapping.storeError(
                POP3Error.transport(.connectionRefused(host: "old", port: 995)), server: "old:995")
        ),
        (
            "TLS certificate verification failed for",
            POP3ErrorMapping.storeError(
                POP3Error.transport(.tlsVerificationFailed(host: "old", reason: "self signed")), server: "old:995")
        ),
        (
            "protocol error from",
            POP3ErrorMapping.storeError(POP3Error.protocolError("unexpected line"), server: "old:995")
        ),
        // OAuth2 (issue 19): as BearerLogin and the token provider report them.
        (
            "OAuth2 client rejected (invalid_client)",
            StoreError.oauth2(
                reason: OAuth2Error.invalidClient(endpoint: "https://login/token", description: "").userMessage)
        ),
        (
            "OAuth2 delegation not granted (unauthorized_client)",
            StoreError.oauth2(
                reason: OAuth2Error.unauthorizedClient(endpoint: "https://oauth2/token", description: "").userMessage)
        ),
        (
            "OAuth2 mailbox not permitted",
            StoreError.oauth2(reason: OAuth2Error.mailboxNotPermitted(user: "zoe", description: "").userMessage)
        ),
        (
            "OAuth2 token endpoint unreachable",
            StoreError.oauth2(
                reason: OAuth2Error.endpointUnreachable(endpoint: "https://login/token", reason: "connection refused")
                    .userMessage)
        ),
        (
            "OAuth2 token request refused by",
            StoreError.oauth2(
                reason: OAuth2Error.tokenRequestRefused(
                    endpoint: "https://login/token", status: 400, error: "invalid_scope", description: ""
                ).userMessage)
        ),
        (
            "the server refused the OAuth2 token for",
            StoreError.oauth2(
                reason: BearerLogin.refusedMessage(user: "zoe", server: "new:993", detail: #"{"status":"401"}"#))
        ),
        (
            "the server refused the OAuth2 token",
            IMAPErrorMapping.storeError(
                IMAPError.tokenRefused(
                    challenge: #"{"status":"401"}"#, text: text(.authenticationFailed, "Authentication failed.")),
                server: "new:993")
        ),
        (
            "the server refused the OAuth2 token",
            POP3ErrorMapping.storeError(
                POP3Error.tokenRefused(challenge: #"{"status":"401"}"#, serverText: "[AUTH] Authentication failed."),
                server: "old:995")
        ),
        (
            "OAuth2 token_command",
            StoreError.oauth2(
                reason: OAuth2Error.commandFailed(program: "get-token", reason: "it exited with status 1").userMessage)
        ),
    ]

    @Test func everyDocumentedMessageIsWhatTheCodeSays() throws {
        let catalogue = try Self.catalogue()
        for (prefix, error) in Self.cases {
            #expect(error.userMessage.hasPrefix(prefix), "\(error.userMessage) does not start with \(prefix)")
            #expect(catalogue.contains("`\(prefix)`"), "docs/errors.md lacks `\(prefix)`")
        }
    }

    @Test func retryClassificationMatchesTheCatalogue() {
        let retried = Dictionary(Self.cases.map { ($0.0, $0.1.isTransient) }, uniquingKeysWith: { a, _ in a })
        #expect(retried["timed out during read"] == true)
        #expect(retried["timed out on UID FETCH"] == true)
        #expect(retried["the server closed the connection (socket disconnected)"] == true)
        #expect(retried["login failed at"] == false)
        #expect(retried["connection refused by"] == false)
        #expect(retried["quota exceeded on the destination"] == false)
        #expect(retried["throttled by"] == false)
        #expect(retried["daily budget used up"] == false)
        #expect(retried["OAuth2 client rejected (invalid_client)"] == false)
        #expect(retried["OAuth2 token endpoint unreachable"] == false)
    }
}
