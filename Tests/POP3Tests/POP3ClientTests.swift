import Foundation
import MailTransport
import NIOCore
import Testing

@testable import POP3

private let greeting = "+OK Dovecot (Debian) ready.\r\n"
private let capaPlain =
    "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nSTLS\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n"
private let capaNoSTLS = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN\r\n.\r\n"
private let capaSecure = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n"

@Suite("POP3Client over a scripted server")
struct POP3ClientTests {
    @Test("STLS required: upgrade, CAPA again, then USER/PASS, STAT, UIDL, LIST, TOP, RETR, QUIT")
    func fullSession() async throws {
        let message = "Subject: hi\r\n\r\n..dot line\r\nend\r\n"
        let server =
            greeting + capaPlain + "+OK Begin TLS negotiation now.\r\n<TLS>" + capaSecure
            + "+OK\r\n+OK Logged in.\r\n"
            + "+OK 1 40\r\n"
            + "+OK\r\n1 00000001572fa5f5\r\n.\r\n"
            + "+OK 1 40\r\n"
            + "+OK 1 messages:\r\n1 40\r\n.\r\n"
            + "+OK\r\nSubject: hi\r\n\r\n.\r\n"
            + "+OK 40 octets\r\n" + message + ".\r\n"
            + "+OK Logging out.\r\n"
        for chunkSize in [nil, 1, 2, 3, 7] {
            let transport = ScriptedTransport(server: server, chunkSize: chunkSize)
            var trace: [String] = []
            let traceBox = TraceBox()
            let client = try await POP3Client.open(over: transport, stls: .required, trace: traceBox.record)
            #expect(client.isSecure)
            #expect(!client.capabilities.supportsSTLS)
            try await client.login(.userPass(user: "alice", password: "s3cret"))
            #expect(try await client.stat() == POP3MailboxStatus(messageCount: 1, totalSize: 40))
            #expect(try await client.uniqueIDs() == [POP3UniqueID(messageNumber: 1, uid: "00000001572fa5f5")])
            #expect(try await client.messageSize(of: 1) == POP3MessageSize(messageNumber: 1, size: 40))
            #expect(try await client.messageSizes() == [POP3MessageSize(messageNumber: 1, size: 40)])
            #expect(String(buffer: try await client.headers(of: 1)) == "Subject: hi\r\n\r\n")
            var received: [UInt8] = []
            try await client.retrieve(1) { chunk in received += chunk.readableBytesView }
            #expect(String(decoding: received, as: UTF8.self) == "Subject: hi\r\n\r\n.dot line\r\nend\r\n")
            await client.quit()
            #expect(transport.isClosed)
            #expect(
                transport.writes == [
                    "CAPA\r\n", "STLS\r\n", "<TLS>", "CAPA\r\n", "USER alice\r\n", "PASS s3cret\r\n", "STAT\r\n",
                    "UIDL\r\n", "LIST 1\r\n", "LIST\r\n", "TOP 1 0\r\n", "RETR 1\r\n", "QUIT\r\n",
                ])
            trace = traceBox.lines
            #expect(trace.contains("C: PASS ****"))
            #expect(trace.contains("S: +OK Logged in."))
            #expect(trace.contains("C: RETR 1"))
            #expect(!trace.joined().contains("s3cret"))
        }
    }

    @Test("STLS required but not offered: fail before any credential is sent")
    func stlsRequiredNotOffered() async throws {
        let transport = ScriptedTransport(server: greeting + capaNoSTLS)
        await #expect(throws: POP3Error.tlsNotOffered) {
            _ = try await POP3Client.open(over: transport, stls: .required)
        }
        #expect(transport.writes == ["CAPA\r\n"])
        #expect(transport.isClosed)
    }

    @Test("STLS optional and not offered: plain session, but no login without allowPlaintextLogin")
    func plaintextRefused() async throws {
        let transport = ScriptedTransport(server: greeting + capaNoSTLS)
        let client = try await POP3Client.open(over: transport, stls: .optional)
        #expect(!client.isSecure)
        await #expect(throws: POP3Error.plaintextLoginRefused) {
            try await client.login(.userPass(user: "alice", password: "pw"))
        }
        #expect(transport.writes == ["CAPA\r\n"])
    }

    @Test("STLS never with allowPlaintextLogin: USER/PASS in clear text")
    func plaintextAllowed() async throws {
        let transport = ScriptedTransport(server: greeting + capaPlain + "+OK\r\n+OK Logged in.\r\n")
        let client = try await POP3Client.open(over: transport, stls: .never, allowPlaintextLogin: true)
        try await client.login(.userPass(user: "alice", password: "pw"))
        #expect(transport.writes == ["CAPA\r\n", "USER alice\r\n", "PASS pw\r\n"])
    }

    @Test("wrong password: loginFailed with the server's text, never the password")
    func loginFailed() async throws {
        let transport = ScriptedTransport(
            server: greeting + capaSecure + "+OK\r\n-ERR [AUTH] Authentication failed.\r\n", secure: true)
        let client = try await POP3Client.open(over: transport, stls: .required)
        let error = await #expect(throws: POP3Error.self) {
            try await client.login(.userPass(user: "alice", password: "wrongpw"))
        }
        #expect(error == .loginFailed(serverText: "[AUTH] Authentication failed."))
        #expect(error?.userMessage.contains("[AUTH] Authentication failed.") == true)
        #expect(error?.userMessage.contains("wrongpw") == false)
    }

    @Test("AUTH PLAIN with authzid sends one line with the initial response")
    func authPlain() async throws {
        let transport = ScriptedTransport(server: greeting + capaSecure + "+OK Logged in.\r\n", secure: true)
        let client = try await POP3Client.open(over: transport, stls: .required)
        try await client.login(.plain(authzid: "alice", authcid: "admin", password: "adminpw"))
        #expect(transport.writes == ["CAPA\r\n", "AUTH PLAIN YWxpY2UAYWRtaW4AYWRtaW5wdw==\r\n"])
    }

    @Test("AUTH PLAIN not offered: no credentials sent")
    func plainNotOffered() async throws {
        let capa = "+OK\r\nUSER\r\nSASL LOGIN\r\n.\r\n"
        let transport = ScriptedTransport(server: greeting + capa, secure: true)
        let client = try await POP3Client.open(over: transport, stls: .required)
        await #expect(throws: POP3Error.mechanismNotOffered("PLAIN")) {
            try await client.login(.plain(authzid: "alice", authcid: "admin", password: "pw"))
        }
        #expect(transport.writes == ["CAPA\r\n"])
    }

    @Test("bytes injected after +OK to STLS, before the handshake, are refused")
    func stlsInjection() async throws {
        let transport = ScriptedTransport(server: greeting + capaPlain + "+OK Begin TLS\r\n+OK Logged in.\r\n")
        await #expect(throws: POP3Error.self) {
            _ = try await POP3Client.open(over: transport, stls: .required)
        }
        #expect(!transport.writes.contains("<TLS>"))
    }

    @Test("the server closing in the middle of RETR is serverClosed, and the session is closed")
    func closedMidMessage() async throws {
        let server = greeting + capaSecure + "+OK\r\n+OK Logged in.\r\n+OK 100 octets\r\nSubject: cut\r\n"
        let transport = ScriptedTransport(server: server, chunkSize: 5, secure: true)
        let client = try await POP3Client.open(over: transport, stls: .required)
        try await client.login(.userPass(user: "alice", password: "pw"))
        var received = 0
        await #expect(throws: POP3Error.serverClosed) {
            try await client.retrieve(1) { received += $0.readableBytes }
        }
        #expect(received == "Subject: cut\r\n".utf8.count)
        await #expect(throws: POP3Error.sessionClosed) { _ = try await client.stat() }
    }

    @Test("-ERR to RETR is commandFailed; the session goes on")
    func retrError() async throws {
        let server = greeting + capaSecure + "+OK\r\n+OK Logged in.\r\n-ERR There's no message 9.\r\n+OK 0 0\r\n"
        let transport = ScriptedTransport(server: server, secure: true)
        let client = try await POP3Client.open(over: transport, stls: .required)
        try await client.login(.userPass(user: "alice", password: "pw"))
        await #expect(throws: POP3Error.commandFailed(command: "RETR 9", serverText: "There's no message 9.")) {
            try await client.retrieve(9) { _ in }
        }
        #expect(try await client.stat() == POP3MailboxStatus(messageCount: 0, totalSize: 0))
    }

    @Test("retrieveUnread asks TOP n 2147483647 and streams the dot-unstuffed message")
    func retrieveUnreadUsesTop() async throws {
        let message = "Subject: hi\r\n\r\n..dot line\r\nend\r\n"
        let server =
            greeting + capaSecure + "+OK\r\n+OK Logged in.\r\n+OK\r\n" + message + ".\r\n"
            + "-ERR There's no message 9.\r\n"
        for chunkSize in [nil, 1, 4] {
            let transport = ScriptedTransport(server: server, chunkSize: chunkSize, secure: true)
            let client = try await POP3Client.open(over: transport, stls: .required)
            try await client.login(.userPass(user: "alice", password: "pw"))
            var received: [UInt8] = []
            try await client.retrieveUnread(1) { received += $0.readableBytesView }
            #expect(String(decoding: received, as: UTF8.self) == "Subject: hi\r\n\r\n.dot line\r\nend\r\n")
            await #expect(
                throws: POP3Error.commandFailed(command: "TOP 9 2147483647", serverText: "There's no message 9.")
            ) {
                try await client.retrieveUnread(9) { _ in }
            }
            #expect(transport.writes.suffix(2) == ["TOP 1 2147483647\r\n", "TOP 9 2147483647\r\n"])
        }
    }

    @Test("requestUnread sends every TOP in one write; readRequested reads them in order, -ERR as false")
    func pipelinedWholeMessages() async throws {
        let server =
            greeting + capaSecure + "+OK\r\n+OK Logged in.\r\n"
            + "+OK\r\nSubject: 1\r\n\r\n..one\r\n.\r\n"
            + "-ERR There's no message 2.\r\n"
            + "+OK\r\nSubject: 3\r\n\r\nthree\r\n.\r\n"
            + "+OK 0 0\r\n"
        for chunkSize in [nil, 1, 5] {
            let transport = ScriptedTransport(server: server, chunkSize: chunkSize, secure: true)
            let client = try await POP3Client.open(over: transport, stls: .required)
            try await client.login(.userPass(user: "alice", password: "pw"))
            try await client.requestUnread([1, 2, 3])
            #expect(transport.writes.last == "TOP 1 2147483647\r\nTOP 2 2147483647\r\nTOP 3 2147483647\r\n")
            var bodies: [String] = []
            for _ in 1...3 {
                var received: [UInt8] = []
                let found = try await client.readRequested { received += $0.readableBytesView }
                bodies.append(found ? String(decoding: received, as: UTF8.self) : "-")
            }
            #expect(bodies == ["Subject: 1\r\n\r\n.one\r\n", "-", "Subject: 3\r\n\r\nthree\r\n"])
            // The session stays in step: the next command reads its own answer.
            #expect(try await client.stat() == POP3MailboxStatus(messageCount: 0, totalSize: 0))
        }
    }

    @Test("requestUnread refuses several TOPs when the server does not offer PIPELINING")
    func pipelinedNeedsPipelining() async throws {
        let capa = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nUSER\r\n.\r\n"
        let transport = ScriptedTransport(server: greeting + capa + "+OK\r\n+OK Logged in.\r\n", secure: true)
        let client = try await POP3Client.open(over: transport, stls: .required)
        try await client.login(.userPass(user: "alice", password: "pw"))
        await #expect(throws: POP3Error.protocolError("the server does not offer PIPELINING")) {
            try await client.requestUnread([1, 2])
        }
        #expect(!transport.writes.contains { $0.hasPrefix("TOP") })
    }

    @Test("headers(of:) pipelines TOP n 0 in windows when PIPELINING is offered; -ERR gives nil")
    func pipelinedHeaders() async throws {
        let responses =
            "+OK\r\nSubject: one\r\n\r\n.\r\n" + "-ERR no such message\r\n" + "+OK\r\nSubject: three\r\n\r\n.\r\n"
        for chunkSize in [nil, 1, 5] {
            let server = greeting + capaSecure + "+OK\r\n+OK Logged in.\r\n" + responses
            let transport = ScriptedTransport(server: server, chunkSize: chunkSize, secure: true)
            let client = try await POP3Client.open(over: transport, stls: .required)
            try await client.login(.userPass(user: "alice", password: "pw"))
            var seen: [String] = []
            try await client.headers(of: [1, 2, 3], window: 2) { number, headers in
                seen.append("\(number):\(headers.map { String(buffer: $0) } ?? "nil")")
            }
            #expect(seen == ["1:Subject: one\r\n\r\n", "2:nil", "3:Subject: three\r\n\r\n"])
            // Two commands in the first write, the third in the next.
            #expect(transport.writes.suffix(2) == ["TOP 1 0\r\nTOP 2 0\r\n", "TOP 3 0\r\n"])
        }
    }

    @Test("headers(of:) sends one TOP at a time without PIPELINING")
    func unpipelinedHeaders() async throws {
        let server =
            greeting + capaNoSTLS + "+OK\r\n+OK Logged in.\r\n" + "+OK\r\nA: 1\r\n\r\n.\r\n+OK\r\nB: 2\r\n\r\n.\r\n"
        let transport = ScriptedTransport(server: server, secure: true)
        let client = try await POP3Client.open(over: transport, stls: .required)
        try await client.login(.userPass(user: "alice", password: "pw"))
        var count = 0
        try await client.headers(of: [1, 2]) { _, headers in count += headers == nil ? 0 : 1 }
        #expect(count == 2)
        #expect(transport.writes.suffix(2) == ["TOP 1 0\r\n", "TOP 2 0\r\n"])
    }

    @Test("a server without CAPA still works with USER/PASS")
    func noCapa() async throws {
        let server = greeting + "-ERR Unknown command\r\n+OK\r\n+OK Logged in.\r\n"
        let transport = ScriptedTransport(server: server, secure: true)
        let client = try await POP3Client.open(over: transport, stls: .optional)
        #expect(client.capabilities.entries.isEmpty)
        try await client.login(.userPass(user: "alice", password: "pw"))
    }

    @Test("a header block larger than the limit is its own error")
    func headerLimit() async throws {
        let server =
            greeting + capaSecure + "+OK\r\n+OK Logged in.\r\n+OK\r\n" + String(repeating: "X: y\r\n", count: 100)
            + "\r\n.\r\n"
        let transport = ScriptedTransport(server: server, chunkSize: 64, secure: true)
        let client = try await POP3Client.open(
            over: transport, stls: .required, limits: POP3Limits(maxHeaderBytes: 200))
        try await client.login(.userPass(user: "alice", password: "pw"))
        await #expect(throws: POP3Error.headerTooLarge(limit: 200)) { _ = try await client.headers(of: 1) }
    }
}

/// Collects trace lines from a @Sendable closure.
final class TraceBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    var record: POP3Trace { { [self] line in lock.withLock { stored.append(line) } } }
}
