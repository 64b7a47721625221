import Foundation
import IMAP
import MailTransport
import MailferryCore
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
        ("login failed at", IMAPErrorMapping.storeError(IMAPError.loginFailed(text(.authenticationFailed, "Authentication failed.")), server: "old:993")),
        ("timed out during read", IMAPErrorMapping.storeError(TransportError.timedOut(.read), server: "old:993")),
        ("timed out on UID FETCH", IMAPErrorMapping.storeError(IMAPError.timedOut(command: "UID FETCH"), server: "old:993")),
        ("the server closed the connection (socket disconnected)", IMAPErrorMapping.storeError(TransportError.disconnected, server: "old:993")),
        ("the server closed the session (BYE)", IMAPErrorMapping.storeError(IMAPError.serverBye(text(nil, "Server shutting down.")), server: "old:993")),
        ("TLS certificate verification failed for", IMAPErrorMapping.storeError(TransportError.tlsVerificationFailed(host: "old", reason: "self signed"), server: "old:993")),
        ("TLS handshake with", IMAPErrorMapping.storeError(TransportError.tlsHandshakeFailed(host: "old", reason: "no shared cipher"), server: "old:993")),
        ("the server does not offer STARTTLS", IMAPErrorMapping.storeError(IMAPError.startTLSUnavailable, server: "old:143")),
        ("refusing to send credentials over an unencrypted connection", IMAPErrorMapping.storeError(IMAPError.plaintextLoginRefused, server: "old:143")),
        ("connection refused by", IMAPErrorMapping.storeError(TransportError.connectionRefused(host: "old", port: 993), server: "old:993")),
        ("host name not found", IMAPErrorMapping.storeError(TransportError.nameNotFound(host: "old"), server: "old:993")),
        ("folder creation refused for", .folderRefused(folder: "A.B", reason: "invalid name")),
        ("message refused by the destination: message too large for the destination", IMAPErrorMapping.storeError(IMAPError.commandFailed(command: "APPEND", status: .no, text: text(.limit, "Message too large")), server: "new:993")),
        ("message refused by the destination", IMAPErrorMapping.storeError(IMAPError.commandFailed(command: "APPEND", status: .no, text: text(nil, "Rejected")), server: "new:993")),
        ("quota exceeded on the destination", IMAPErrorMapping.storeError(IMAPError.commandFailed(command: "APPEND", status: .no, text: text(.overQuota, "Quota exceeded")), server: "new:993")),
        ("message vanished from the source", .messageVanished(folder: "INBOX", uid: 7)),
        ("cannot open folder", .folderUnavailable(folder: "Gone", reason: "no such mailbox")),
        ("protocol error from", IMAPErrorMapping.storeError(IMAPError.protocolError("unexpected byte"), server: "old:993")),
        // The same messages from POP3 sources.
        ("login failed at", POP3ErrorMapping.storeError(POP3Error.loginFailed(serverText: "[AUTH] Authentication failed."), server: "old:995")),
        ("the server closed the connection (socket disconnected)", POP3ErrorMapping.storeError(POP3Error.serverClosed, server: "old:995")),
        ("the server closed the connection (socket disconnected)", POP3ErrorMapping.storeError(POP3Error.transport(.disconnected), server: "old:995")),
        ("timed out during read", POP3ErrorMapping.storeError(POP3Error.transport(.timedOut(.read)), server: "old:995")),
        ("the server does not offer STARTTLS", POP3ErrorMapping.storeError(POP3Error.tlsNotOffered, server: "old:110")),
        ("refusing to send credentials over an unencrypted connection", POP3ErrorMapping.storeError(POP3Error.plaintextLoginRefused, server: "old:110")),
        ("connection refused by", POP3ErrorMapping.storeError(POP3Error.transport(.connectionRefused(host: "old", port: 995)), server: "old:995")),
        ("TLS certificate verification failed for", POP3ErrorMapping.storeError(POP3Error.transport(.tlsVerificationFailed(host: "old", reason: "self signed")), server: "old:995")),
        ("protocol error from", POP3ErrorMapping.storeError(POP3Error.protocolError("unexpected line"), server: "old:995")),
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
    }
}
