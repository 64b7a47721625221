import Foundation
import MailTransport
import NIOCore
import TestSupport
import Testing

@testable import POP3

/// Messages seeded straight into the Maildir, each with a distinct Subject to recognise it by.
private let plainMessage = "From: a@example.com\r\nTo: alice@example.com\r\nSubject: plain\r\n\r\nHello.\r\n"
private let dottedMessage =
    "From: a@example.com\r\nSubject: dotted\r\n\r\n.\r\n..\r\n.leading dot\r\n...three\r\n. \r\nend.\r\n.\r\n"
/// Dovecot ends the last line with CRLF when the file does not: RETR returns it with one.
private let unterminatedMessage = "From: a@example.com\r\nSubject: unterminated\r\n\r\nno final newline"

@Suite("POP3Client against a real Dovecot")
struct POP3IntegrationTests {
    private static func startServer() async throws -> DovecotServer {
        let server = try await DovecotServer.start(
            .init(users: [("alice", "alicepw"), ("bob", "bobpw")], masterUser: ("admin", "adminpw")))
        for message in [plainMessage, dottedMessage, unterminatedMessage] {
            try server.deliver(Data(message.utf8), to: "alice")
        }
        return server
    }

    private static func options(
        _ server: DovecotServer, security: POP3Security, caFile: Bool = true, allowPlaintextLogin: Bool = false
    ) -> POP3ConnectionOptions {
        let port = security == .implicitTLS ? server.pop3sPort : server.pop3Port
        return POP3ConnectionOptions(
            host: server.host, port: port, security: security,
            tls: TLSOptions(verify: true, caFile: caFile ? server.caFile : nil),
            timeouts: TransportTimeouts(connect: .seconds(10), idle: .seconds(20)),
            allowPlaintextLogin: allowPlaintextLogin)
    }

    /// Every message by RETR, keyed by Subject; also checks LIST sizes against the bytes.
    private static func retrieveAll(_ client: POP3Client) async throws -> [String: String] {
        var messages: [String: String] = [:]
        let sizes = try await client.messageSizes()
        for size in sizes {
            var bytes: [UInt8] = []
            try await client.retrieve(size.messageNumber) { bytes += $0.readableBytesView }
            let text = String(decoding: bytes, as: UTF8.self)
            let subject = String(text.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") }?.dropFirst(9) ?? "?")
            // LIST gives the stored size; RETR adds the CRLF a file without a final newline lacks.
            let added = subject == "unterminated" ? 2 : 0
            #expect(bytes.count == size.size + added, "LIST size of message \(size.messageNumber)")
            messages[subject] = text
        }
        return messages
    }

    @Test("USER/PASS over plain text when allowed; RETR returns the bytes as written")
    func plainLoginAndRetrieve() async throws {
        let server = try await Self.startServer()
        let client = try await POP3Client.connect(
            Self.options(server, security: .plain(stls: .never), allowPlaintextLogin: true))
        #expect(!client.isSecure)
        #expect(client.capabilities.supportsSTLS)
        try await client.login(.userPass(user: "alice", password: "alicepw"))
        let status = try await client.stat()
        #expect(status.messageCount == 3)

        let messages = try await Self.retrieveAll(client)
        #expect(messages["plain"] == plainMessage)
        #expect(messages["dotted"] == dottedMessage)
        #expect(messages["unterminated"] == unterminatedMessage + "\r\n")

        let ids = try await client.uniqueIDs()
        #expect(ids.count == 3)
        #expect(Set(ids.map(\.uid)).count == 3)
        #expect(try await client.uniqueID(of: 2) == ids[1])
        #expect(try await client.messageSize(of: 1).messageNumber == 1)

        for number in 1...3 {
            let headers = String(buffer: try await client.headers(of: number))
            #expect(headers.hasPrefix("From: a@example.com\r\n"))
            #expect(headers.hasSuffix("\r\n\r\n"))
            #expect(!headers.contains("Hello."))
        }
        await client.quit()
        await server.stop()
    }

    @Test("plain text login is refused without allowPlaintextLogin")
    func plaintextRefused() async throws {
        let server = try await Self.startServer()
        let client = try await POP3Client.connect(Self.options(server, security: .plain(stls: .never)))
        await #expect(throws: POP3Error.plaintextLoginRefused) {
            try await client.login(.userPass(user: "alice", password: "alicepw"))
        }
        await client.close()
        await server.stop()
    }

    @Test("STLS upgrade verified with the CA file")
    func stls() async throws {
        let server = try await Self.startServer()
        let client = try await POP3Client.connect(Self.options(server, security: .plain(stls: .required)))
        #expect(client.isSecure)
        #expect(!client.capabilities.supportsSTLS)
        try await client.login(.userPass(user: "alice", password: "alicepw"))
        #expect(try await client.stat().messageCount == 3)
        await client.quit()
        await server.stop()
    }

    @Test("implicit TLS (pop3s) verified with the CA file; the self-signed certificate is rejected without it")
    func implicitTLS() async throws {
        let server = try await Self.startServer()
        let client = try await POP3Client.connect(Self.options(server, security: .implicitTLS))
        #expect(client.isSecure)
        try await client.login(.userPass(user: "bob", password: "bobpw"))
        #expect(try await client.stat() == POP3MailboxStatus(messageCount: 0, totalSize: 0))
        await client.quit()

        for security in [POP3Security.implicitTLS, .plain(stls: .required)] {
            let error = await #expect(throws: POP3Error.self) {
                _ = try await POP3Client.connect(Self.options(server, security: security, caFile: false))
            }
            guard case .transport(.tlsVerificationFailed) = error else {
                Issue.record("expected a TLS verification failure, got \(String(describing: error))")
                continue
            }
        }
        await server.stop()
    }

    @Test("master user: AUTH PLAIN with authzid, and USER alice*admin")
    func masterUser() async throws {
        let server = try await Self.startServer()
        let viaAuthzid = try await POP3Client.connect(Self.options(server, security: .implicitTLS))
        try await viaAuthzid.login(.plain(authzid: "alice", authcid: "admin", password: "adminpw"))
        #expect(try await viaAuthzid.stat().messageCount == 3)
        await viaAuthzid.quit()

        let viaSeparator = try await POP3Client.connect(Self.options(server, security: .implicitTLS))
        try await viaSeparator.login(.userPass(user: "alice*admin", password: "adminpw"))
        #expect(try await viaSeparator.stat().messageCount == 3)
        await viaSeparator.quit()

        // The admin's password is checked, and the impersonated user must exist.
        let wrong = try await POP3Client.connect(Self.options(server, security: .implicitTLS))
        await #expect(throws: POP3Error.self) {
            try await wrong.login(.plain(authzid: "nobody", authcid: "admin", password: "adminpw"))
        }
        await wrong.close()
        await server.stop()
    }

    @Test("wrong password: loginFailed with the server's [AUTH] text")
    func wrongPassword() async throws {
        let server = try await Self.startServer()
        let client = try await POP3Client.connect(Self.options(server, security: .implicitTLS))
        let error = await #expect(throws: POP3Error.self) {
            try await client.login(.userPass(user: "alice", password: "not-the-password"))
        }
        guard case .loginFailed(let serverText) = error else {
            Issue.record("expected loginFailed, got \(String(describing: error))")
            await server.stop()
            return
        }
        #expect(serverText.contains("[AUTH]"))
        #expect(error?.userMessage.contains("not-the-password") == false)
        await client.close()
        await server.stop()
    }

    @Test("a message delivered after login is not seen until the next session (POP3 snapshot)")
    func deliveredLater() async throws {
        let server = try await Self.startServer()
        let client = try await POP3Client.connect(Self.options(server, security: .implicitTLS))
        try await client.login(.userPass(user: "alice", password: "alicepw"))
        try server.deliver(Data("Subject: later\r\n\r\nlate\r\n".utf8), to: "alice")
        #expect(try await client.stat().messageCount == 3)
        await client.quit()
        let again = try await POP3Client.connect(Self.options(server, security: .implicitTLS))
        try await again.login(.userPass(user: "alice", password: "alicepw"))
        #expect(try await again.stat().messageCount == 4)
        // Nothing was deleted by the sessions: QUIT leaves the maildrop as it was.
        await again.quit()
        await server.stop()
    }

    @Test("a 20 MB message streams in chunks and arrives intact")
    func largeMessage() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alicepw")]))
        var expected = Array("Subject: large\r\n\r\n".utf8)
        let line = Array((String(repeating: "0123456789", count: 7) + "\r\n").utf8)
        let dotLine = Array(".starts with a dot\r\n".utf8)
        expected.reserveCapacity(20_000_100)
        var lineNumber = 0
        while expected.count < 20_000_000 {
            expected += lineNumber % 100 == 0 ? dotLine : line
            lineNumber += 1
        }
        try server.deliver(Data(expected), to: "alice")

        let client = try await POP3Client.connect(Self.options(server, security: .implicitTLS))
        try await client.login(.userPass(user: "alice", password: "alicepw"))
        var offset = 0
        var largestChunk = 0
        var chunks = 0
        var mismatch = false
        try await client.retrieve(1) { chunk in
            let count = chunk.readableBytes
            if !mismatch, offset + count <= expected.count {
                mismatch = chunk.withUnsafeReadableBytes { received in
                    expected.withUnsafeBytes { memcmp(received.baseAddress!, $0.baseAddress! + offset, count) != 0 }
                }
            } else {
                mismatch = true
            }
            offset += count
            largestChunk = max(largestChunk, count)
            chunks += 1
        }
        #expect(!mismatch)
        #expect(offset == expected.count)
        #expect(chunks > 10)
        #expect(largestChunk < expected.count / 10)
        print("POP3 RETR of \(expected.count) bytes: \(chunks) chunks, largest \(largestChunk) bytes")
        await client.quit()
        await server.stop()
    }
}
