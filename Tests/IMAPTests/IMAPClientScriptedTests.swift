import MailTransport
import NIOCore
import Synchronization
import Testing

@testable import IMAP

@Suite("IMAP client against scripted servers")
struct IMAPClientScriptedTests {
    static let capabilities = "* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN ID] ready\r\n"

    @discardableResult
    private func withServer<T>(
        greeting: String = capabilities, script: @escaping @Sendable (String) -> [ScriptedIMAPServer.Action],
        timeouts: TransportTimeouts = TransportTimeouts(), commandTimeout: TimeAmount? = nil,
        security: IMAPConnectionSecurity = .plain(starttls: .never),
        _ body: (IMAPClientConfiguration) async throws -> T
    ) async throws -> T {
        let server = try await ScriptedIMAPServer.start(greeting: greeting, script: script)
        let configuration = IMAPClientConfiguration(
            host: "127.0.0.1", port: server.port, security: security, timeouts: timeouts,
            commandTimeout: commandTimeout, allowPlaintextLogin: true)
        do {
            let result = try await body(configuration)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Answers `tag OK` to every command.
    private static func okToEverything(_ line: String) -> [ScriptedIMAPServer.Action] {
        guard let tag = line.split(separator: " ").first else { return [] }
        return [.send("\(tag) OK done\r\n")]
    }

    @Test func metadataListingAsksGmailForItsAttributesOnlyWhereOffered() async throws {
        let listing =
            "* 1 FETCH (X-GM-THRID 1 X-GM-MSGID 1278455344230334865 X-GM-LABELS (\"\\\\Inbox\" Work) UID 4 "
            + "FLAGS (\\Seen) RFC822.SIZE 12)\r\n"
        for offered in [true, false] {
            let greeting = offered ? "* OK [CAPABILITY IMAP4rev1 X-GM-EXT-1] Gimap ready\r\n" : Self.capabilities
            let commands = Mutex<[String]>([])
            try await withServer(
                greeting: greeting,
                script: { line in
                    commands.withLock { $0.append(line) }
                    guard let tag = line.split(separator: " ").first else { return [] }
                    return [.send((line.contains("UID FETCH") ? listing : "") + "\(tag) OK Success\r\n")]
                }
            ) {
                let client = try await IMAPClient.connect($0)
                let listed = try await client.fetchMetadata(
                    uids: 1...UInt32.max, headerFields: [], gmailAttributes: true
                ) { $0 }
                #expect(listed.items.first?.gmailMessageID == 1_278_455_344_230_334_865)
                #expect(listed.items.first?.gmailLabels == ["\\Inbox", "Work"])
            }
            let fetch = commands.withLock { $0 }.first { $0.contains("UID FETCH") } ?? ""
            #expect(fetch.hasSuffix("(UID FLAGS INTERNALDATE RFC822.SIZE\(offered ? " X-GM-MSGID X-GM-LABELS" : ""))"))
        }
    }

    @Test func metadataIsReadAndWrittenOnlyWhereOffered() async throws {
        let greeting = "* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN METADATA] ready\r\n"
        let commands = Mutex<[String]>([])
        try await withServer(
            greeting: greeting,
            script: { line in
                commands.withLock { $0.append(line) }
                guard let tag = line.split(separator: " ").first else { return [] }
                if line.contains("GETMETADATA"), line.contains("/private/absent") {
                    return [.send("* METADATA Work (/private/absent NIL)\r\n\(tag) OK done\r\n")]
                }
                if line.contains("GETMETADATA") {
                    return [.send("* METADATA Work (/private/note {4}\r\na\r\nb)\r\n\(tag) OK done\r\n")]
                }
                return [.send("\(tag) OK done\r\n")]
            }
        ) {
            let client = try await IMAPClient.connect($0)
            #expect(await client.keepsMailboxMetadata)
            #expect(try await client.metadata("/private/note", of: "Work") == Array("a\r\nb".utf8))
            #expect(try await client.metadata("/private/absent", of: "Work") == nil)
            try await client.setMetadata("/private/note", to: Array("v 1".utf8), of: "Work")
        }
        let sent = commands.withLock { $0 }
        #expect(sent.contains { $0.hasSuffix("GETMETADATA Work (/private/note)") })
        #expect(sent.contains { $0.hasSuffix("SETMETADATA Work (/private/note \"v 1\")") })
        try await withServer(script: Self.okToEverything) {
            let client = try await IMAPClient.connect($0)
            #expect(!(await client.keepsMailboxMetadata))
        }
    }

    @Test func multiMessageFetchStreamsBodiesInOrderWhereverTheUIDStands() async throws {
        // UID before the body (Dovecot), after it (allowed by RFC 3501), and a UID that was expunged:
        // the reader gets each body with its UID, falling back to the request order.
        let fetch =
            "* 1 FETCH (UID 3 BODY[] {5}\r\nthree)\r\n"
            + "* 2 FETCH (BODY[] {4}\r\nfour UID 4)\r\n"
            + "* 3 FETCH (UID 9 BODY[] {0}\r\n)\r\n"
        try await withServer(script: { line in
            guard let tag = line.split(separator: " ").first else { return [] }
            if line.contains("UID FETCH 3:4,7,9 (UID BODY.PEEK[])") {
                return [.send(fetch + "\(tag) NO [EXPUNGEISSUED] Some messages were also expunged\r\n")]
            }
            return [.send("\(tag) OK done\r\n")]
        }) {
            let client = try await IMAPClient.connect($0)
            let received = try await client.fetchBodies(uids: [9, 3, 4, 7]) { batch in
                let reader = batch.makeReader()
                var bodies: [(UInt32, String)] = []
                while let body = try await reader.next() {
                    var text = ""
                    for try await chunk in body { text += String(buffer: chunk) }
                    bodies.append((body.uid, text))
                }
                #expect(try await reader.next() == nil)
                return bodies
            }
            #expect(received.map(\.0) == [3, 4, 9])
            #expect(received.map(\.1) == ["three", "four", ""])
            // The session goes on after the batch.
            try await client.refreshCapabilities()
        }
    }

    @Test func multiMessageFetchRefusedOutrightIsTheServersError() async throws {
        try await withServer(script: { line in
            guard let tag = line.split(separator: " ").first else { return [] }
            return [.send("\(tag) NO [SERVERBUG] Internal error\r\n")]
        }) {
            let client = try await IMAPClient.connect($0)
            let error = await #expect(throws: IMAPError.self) {
                try await client.fetchBodies(uids: [1, 2]) { batch in try await batch.makeReader().next()?.uid }
            }
            guard case .commandFailed(let command, .no, _) = error else {
                Issue.record("expected NO, got \(String(describing: error))")
                return
            }
            #expect(command == "UID FETCH")
        }
    }

    @Test func byeGreetingIsServerBye() async throws {
        try await withServer(greeting: "* BYE Too many connections\r\n", script: { _ in [] }) { configuration in
            await #expect(throws: IMAPError.serverBye(IMAPResponseText(text: "Too many connections"))) {
                _ = try await IMAPClient.connect(configuration)
            }
        }
    }

    @Test func preauthGreetingIsAuthenticated() async throws {
        try await withServer(greeting: "* PREAUTH [CAPABILITY IMAP4rev1] welcome back\r\n", script: Self.okToEverything)
        {
            let client = try await IMAPClient.connect($0)
            #expect(await client.state == .authenticated)
            #expect(await client.hasCapability("imap4rev1"))
        }
    }

    @Test func byeDuringACommandFailsItWithTheServersText() async throws {
        try await withServer(script: { _ in [.send("* BYE Shutting down for maintenance\r\n"), .close] }) {
            let client = try await IMAPClient.connect($0)
            await #expect(throws: IMAPError.serverBye(IMAPResponseText(text: "Shutting down for maintenance"))) {
                _ = try await client.status("INBOX")
            }
            // Later use reports the same reason instead of hanging.
            await #expect(throws: IMAPError.serverBye(IMAPResponseText(text: "Shutting down for maintenance"))) {
                _ = try await client.status("INBOX")
            }
        }
    }

    @Test func malformedResponseIsAProtocolErrorNotAHang() async throws {
        try await withServer(script: { line in [.send("* STATUS INBOX (MESSAGES x)\r\n")] }) {
            let client = try await IMAPClient.connect($0)
            let error = await #expect(throws: IMAPError.self) { _ = try await client.status("INBOX") }
            guard case .protocolError(let detail) = error else {
                Issue.record("expected a protocol error, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("malformed"))
        }
    }

    @Test func silentServerIsTimedOutDuringReadAndDeadlineIsTimedOutOnTheCommand() async throws {
        try await withServer(script: { _ in [] }, timeouts: TransportTimeouts(idle: .milliseconds(200))) {
            let client = try await IMAPClient.connect($0)
            await #expect(throws: IMAPError.transport(.timedOut(.read))) { _ = try await client.status("INBOX") }
        }
        try await withServer(script: { _ in [] }) {
            let client = try await IMAPClient.connect($0)
            await #expect(throws: IMAPError.timedOut(command: "UID FETCH")) {
                _ = try await client.fetchBody(uid: 1, timeout: .milliseconds(200)) { _ in }
            }
        }
    }

    @Test func requiredSTARTTLSWithoutServerSupportFails() async throws {
        try await withServer(script: Self.okToEverything, security: .plain(starttls: .required)) { configuration in
            await #expect(throws: IMAPError.startTLSUnavailable) { _ = try await IMAPClient.connect(configuration) }
        }
    }

    @Test func dataInjectedAfterSTARTTLSIsRefused() async throws {
        let greeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"
        try await withServer(
            greeting: greeting,
            script: { line in
                line.hasSuffix("STARTTLS")
                    ? [.send("A1 OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n")] : []
            }, security: .plain(starttls: .required)
        ) { configuration in
            let error = await #expect(throws: IMAPError.self) { _ = try await IMAPClient.connect(configuration) }
            switch error {
            case .protocolError, .transport(.tlsHandshakeFailed): break
            default: Issue.record("injection not refused: \(String(describing: error))")
            }
        }
    }

    @Test func refusedSynchronizingLiteralEndsTheCommand() async throws {
        try await withServer(
            greeting: "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n",
            script: { line in
                line.hasSuffix("}") ? [.send("A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")] : []
            }
        ) {
            let client = try await IMAPClient.connect($0)
            await #expect(
                throws: IMAPError.loginFailed(
                    IMAPResponseText(
                        code: .authenticationFailed, text: "Authentication failed.", rawCode: "AUTHENTICATIONFAILED"))
            ) {
                try await client.login(user: "alice", password: "pässwörd")
            }
        }
    }

    @Test func loginDisabledIsReportedBeforeSendingCredentials() async throws {
        let seen = Mutex<[String]>([])
        try await withServer(
            greeting: "* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready\r\n",
            script: { line in
                seen.withLock { $0.append(line) }
                return Self.okToEverything(line)
            }
        ) {
            let client = try await IMAPClient.connect($0)
            await #expect(throws: IMAPError.self) { try await client.login(user: "alice", password: "secret") }
        }
        #expect(seen.withLock { $0.allSatisfy { !$0.contains("secret") } })
    }

    @Test func pipelinedCompletionsOutOfOrderAreMatchedByTag() async throws {
        // The server answers the second STATUS first, and only after both were sent.
        let received = Mutex<[String]>([])
        try await withServer(script: { line in
            let lines = received.withLock {
                $0.append(line)
                return $0
            }
            guard lines.count == 2 else { return [] }
            return [
                .send("* STATUS \"Second\" (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 9)\r\nA2 OK done\r\n"),
                .send("* STATUS First (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 9)\r\nA1 OK done\r\n"),
            ]
        }) {
            let client = try await IMAPClient.connect($0)
            async let first = client.status("First")
            try await Task.sleep(for: .milliseconds(50))
            async let second = client.status("Second")
            let (one, two) = try await (first, second)
            #expect(one.messages == 1)
            #expect(two.messages == 2)
        }
    }

    @Test func traceIsRedacted() async throws {
        let lines = Mutex<[String]>([])
        let server = try await ScriptedIMAPServer.start(
            greeting: "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready\r\n", script: Self.okToEverything)
        let configuration = IMAPClientConfiguration(
            host: "127.0.0.1", port: server.port, security: .plain(starttls: .never), allowPlaintextLogin: true,
            trace: { line in lines.withLock { $0.append(line) } })
        let client = try await IMAPClient.connect(configuration)
        try await client.login(user: "alice", password: "s3cret pw")
        try await client.authenticatePlain(
            authorizationIdentity: "bob", authenticationIdentity: "admin", password: "s3cret pw")
        await server.stop()
        let trace = lines.withLock { $0 }
        #expect(trace.contains("C: A1 LOGIN alice <redacted>"))
        #expect(trace.contains("C: A3 AUTHENTICATE PLAIN <redacted>"))
        #expect(!trace.joined().contains("s3cret"))
        #expect(!trace.joined().contains(Base64.encode(Array("bob\u{0}admin\u{0}s3cret pw".utf8))))
    }
}
