import MailTransport
import NIOCore
import Testing

@testable import IMAP

/// A hostile or broken server, scripted: every case ends in a typed error (or a documented
/// tolerance) within the timeouts, without buffering more than the limits allow. Complements
/// IMAPClientScriptedTests (BYE at greeting and during a command, silence, malformed STATUS).
@Suite("IMAP client against hostile servers", .timeLimit(.minutes(2)))
struct IMAPHostileServerTests {
    static let greeting = "* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] ready\r\n"

    /// Answers `tag OK` to every command except those `trigger` takes over.
    private static func script(_ trigger: @escaping @Sendable (String, Substring) -> [ScriptedIMAPServer.Action]?)
        -> @Sendable (String) -> [ScriptedIMAPServer.Action]
    {
        { line in
            guard let tag = line.split(separator: " ").first else { return [] }
            return trigger(line, tag) ?? [.send("\(tag) OK done\r\n")]
        }
    }

    private func withClient<T>(
        limits: IMAPLimits = IMAPLimits(), idle: TimeAmount = .seconds(2),
        script: @escaping @Sendable (String) -> [ScriptedIMAPServer.Action],
        _ body: (IMAPClient) async throws -> T
    ) async throws -> T {
        let server = try await ScriptedIMAPServer.start(greeting: Self.greeting, script: script)
        do {
            let client = try await IMAPClient.connect(
                IMAPClientConfiguration(
                    host: "127.0.0.1", port: server.port, security: .plain(starttls: .never),
                    timeouts: TransportTimeouts(connect: .seconds(2), idle: idle), allowPlaintextLogin: true,
                    limits: limits))
            let result = try await body(client)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// `idle` is long where the server closes (so that a loaded machine cannot turn the EOF into a
    /// timeout) and short where it stays silent on purpose.
    private func fetchError(_ response: String, close: Bool = true, limits: IMAPLimits = IMAPLimits()) async throws
        -> IMAPError?
    {
        try await withClient(
            limits: limits, idle: close ? .seconds(30) : .milliseconds(500),
            script: Self.script { line, _ in
                line.contains("UID FETCH") ? [.send(response)] + (close ? [.close] : []) : nil
            }
        ) { client in
            return await #expect(throws: IMAPError.self) {
                _ = try await client.fetchBody(uid: 1) { stream in
                    var total = 0
                    for try await chunk in stream { total += chunk.readableBytes }
                    return total
                }
            }
        }
    }

    @Test func literalLongerThanWhatFollowsThenEOFIsADisconnect() async throws {
        let error = try await fetchError("* 1 FETCH (UID 1 BODY[] {100000}\r\nonly a few bytes")
        #expect(error == .transport(.disconnected) || error == .sessionClosed, "\(String(describing: error))")
        #expect(error?.userMessage.isEmpty == false)
    }

    @Test(arguments: [
        "* 1 FETCH (UID 1 BODY[] {5}\r\nhel", "* 1 FETCH (UID 1 BO", "* 1 FETCH (UID 1 BODY[] {5}\r\nhello",
        "* 1 FETCH (UID 1 BODY[] {5}\r\nhello)",
    ])
    func responseCutAnywhereThenEOFIsADisconnect(_ response: String) async throws {
        let error = try await fetchError(response)
        #expect(error == .transport(.disconnected) || error == .sessionClosed, "\(String(describing: error))")
    }

    @Test func literalThenSilenceIsAReadTimeout() async throws {
        let error = try await fetchError("* 1 FETCH (UID 1 BODY[] {100000}\r\nonly a few bytes", close: false)
        #expect(error == .transport(.timedOut(.read)), "\(String(describing: error))")
    }

    @Test func hugeLiteralIsRefusedBeforeItsBytes() async throws {
        // Twenty digits overflow any integer; 2 MB is over the configured limit: neither is buffered.
        let overflow = try await fetchError("* 1 FETCH (UID 1 BODY[] {99999999999999999999}\r\n", close: false)
        switch overflow {
        case .protocolError?, .limitExceeded?: break
        default: Issue.record("expected a protocol or limit error, got \(String(describing: overflow))")
        }
        let limited = try await fetchError(
            "* 1 FETCH (UID 1 BODY[] {2000000}\r\n", close: false, limits: IMAPLimits(maxLiteralSize: 1 << 20))
        guard case .limitExceeded? = limited else {
            Issue.record("expected a limit error, got \(String(describing: limited))")
            return
        }
    }

    @Test(arguments: ["* 1 FETCH (UID 1 BODY[] {-5}\r\nhello)\r\n", "* 1 FETCH (UID -1 BODY[] {5}\r\nhello)\r\n"])
    func negativeNumbersAreProtocolErrors(_ response: String) async throws {
        let error = try await fetchError(response, close: false)
        guard case .protocolError? = error else {
            Issue.record("expected a protocol error, got \(String(describing: error))")
            return
        }
    }

    @Test func negativeExistsIsNeverTakenAsACount() async throws {
        try await withClient(
            script: Self.script { line, tag in
                line.contains("EXAMINE") ? [.send("* -1 EXISTS\r\n\(tag) OK [READ-ONLY] done\r\n")] : nil
            }
        ) { client in
            // "-1" is not a number in RFC 3501's grammar: the line is an unknown response, ignored.
            do {
                let mailbox = try await client.examine("INBOX")
                #expect(mailbox.exists == 0)
            } catch {
                guard case .protocolError? = error as? IMAPError else {
                    Issue.record("expected a protocol error, got \(error)")
                    return
                }
            }
        }
    }

    @Test func endlessLineIsALimitErrorNotUnboundedMemory() async throws {
        let line = "* OK " + String(repeating: "x", count: 300_000)
        try await withClient(
            limits: IMAPLimits(maxLineLength: 64 * 1024),
            script: Self.script { text, _ in text.contains("NOOP") || text.contains("STATUS") ? [.send(line)] : nil }
        ) { client in
            let error = await #expect(throws: IMAPError.self) { _ = try await client.status("INBOX") }
            guard case .limitExceeded? = error else {
                Issue.record("expected a limit error, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func invalidModifiedUTF7InListKeepsTheServersName() async throws {
        // "&Jjo" is unterminated base64; "&AGE-" encodes plain ASCII, which RFC 3501 forbids.
        try await withClient(
            script: Self.script { line, tag in
                line.contains("LIST")
                    ? [
                        .send(
                            "* LIST () \"/\" \"&Jjo\"\r\n* LIST () \"/\" \"&AGE-\"\r\n* LIST () \"/\" INBOX\r\n\(tag) OK done\r\n"
                        )
                    ]
                    : line.contains("LSUB") ? [.send("\(tag) OK done\r\n")] : nil
            }
        ) { client in
            let names = try await client.listMailboxes().map(\.wireName)
            #expect(names.contains("&Jjo"))
            #expect(names.contains("&AGE-"))
            #expect(names.contains("INBOX"))
        }
    }

    @Test func byeDuringAppendIsServerBye() async throws {
        try await withClient(
            script: Self.script { line, _ in
                line.contains("APPEND") ? [.send("* BYE Server shutting down\r\n"), .close] : nil
            }
        ) { client in
            let body = ByteBuffer(repeating: UInt8(ascii: "a"), count: 300_000)
            let error = await #expect(throws: IMAPError.self) {
                _ = try await client.append(to: "INBOX", IMAPAppendMessage(source: .buffer(body)))
            }
            switch error {
            case .serverBye(let text)?: #expect(text.text == "Server shutting down")
            case .transport(.disconnected)?: break  // the close raced the BYE
            default: Issue.record("expected BYE, got \(String(describing: error))")
            }
            // The session stays closed with a clear error instead of hanging.
            await #expect(throws: IMAPError.self) { _ = try await client.status("INBOX") }
        }
    }
}
