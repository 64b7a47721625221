import MailTransport
import NIOCore

/// Receives one trace line per command sent (`C: RETR 3`, passwords as `****`) and per status
/// line received (`S: +OK 120 octets`). Message contents are never traced.
public typealias POP3Trace = @Sendable (String) -> Void

/// A POP3 session (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH), read-only by design:
/// it offers no DELE, so a migration can never remove mail from the source.
///
/// One task uses a session at a time; its methods run on the caller's executor.
public final class POP3Client {
    private enum State {
        case authorization
        case transaction
        case closed
    }

    public private(set) var greeting: POP3Greeting
    /// From CAPA; re-read after STLS and after login. Empty when the server has no CAPA.
    public private(set) var capabilities: POP3Capabilities
    /// Whether the link is TLS-protected (pop3s or after STLS).
    public private(set) var isSecure: Bool

    private let transport: any POP3Transport
    private let limits: POP3Limits
    private let allowPlaintextLogin: Bool
    private let trace: POP3Trace?
    /// Where the session connected, for OAUTHBEARER's host and port fields; nil over a given transport.
    private var endpoint: (host: String, port: Int)?
    private var framer: POP3ResponseFramer
    private var state: State = .authorization

    private init(transport: any POP3Transport, limits: POP3Limits, allowPlaintextLogin: Bool, trace: POP3Trace?) {
        self.transport = transport
        self.limits = limits
        self.allowPlaintextLogin = allowPlaintextLogin
        self.trace = trace
        self.framer = POP3ResponseFramer(limits: limits)
        self.greeting = POP3Greeting(text: "")
        self.capabilities = POP3Capabilities()
        self.isSecure = false
    }

    /// Connects, reads the greeting and CAPA, and upgrades with STLS as the options say.
    /// The session is then ready for `login(_:)`.
    nonisolated(nonsending) public static func connect(_ options: POP3ConnectionOptions, trace: POP3Trace? = nil)
        async throws(POP3Error)
        -> POP3Client
    {
        let connection: MailConnection
        do {
            connection = try await MailConnection.connect(
                host: options.host, port: options.port,
                security: options.security == .implicitTLS ? .implicitTLS : .plain,
                tls: options.tls, timeouts: options.timeouts)
        } catch {
            throw .transport(error)
        }
        let stls: POP3STLSPolicy
        switch options.security {
        case .implicitTLS: stls = .never
        case .plain(let policy): stls = policy
        }
        let client = try await open(
            over: MailConnectionTransport(connection), stls: stls, allowPlaintextLogin: options.allowPlaintextLogin,
            limits: options.limits, trace: trace)
        client.endpoint = (options.host, options.port)
        return client
    }

    /// Starts a session over an established transport: greeting, CAPA, STLS per `stls`.
    nonisolated(nonsending) public static func open(
        over transport: any POP3Transport,
        stls: POP3STLSPolicy,
        allowPlaintextLogin: Bool = false,
        limits: POP3Limits = POP3Limits(),
        trace: POP3Trace? = nil
    ) async throws(POP3Error) -> POP3Client {
        let client = POP3Client(
            transport: transport, limits: limits, allowPlaintextLogin: allowPlaintextLogin, trace: trace)
        do {
            try await client.start(stls: stls)
        } catch {
            await client.close()
            throw error
        }
        return client
    }

    nonisolated(nonsending) private func start(stls: POP3STLSPolicy) async throws(POP3Error) {
        isSecure = await transport.isSecure
        framer.expect(.singleLine)
        greeting = try POP3Greeting.parse(try await readStatus())
        capabilities = try await readCapabilities()
        guard !isSecure else { return }
        switch stls {
        case .never:
            return
        case .required:
            guard capabilities.supportsSTLS else { throw .tlsNotOffered }
        case .optional:
            guard capabilities.supportsSTLS else { return }
        }
        try await send(.stls)
        let status = try await readStatus()
        guard status.isOK else {
            if stls == .optional { return }
            throw .commandFailed(command: "STLS", serverText: status.serverText)
        }
        // Bytes that arrived before the handshake were not protected by it (RFC 2595 section 3.1).
        guard framer.bufferedByteCount == 0 else {
            throw .protocolError("the server sent data after accepting STLS, before the TLS handshake")
        }
        do {
            try await transport.startTLS()
        } catch {
            throw .transport(error)
        }
        isSecure = true
        // Anything learned before TLS may have been forged; ask again (RFC 2595 section 4).
        capabilities = try await readCapabilities()
    }

    /// CAPA; a server without CAPA (-ERR) simply has no known capabilities.
    nonisolated(nonsending) private func readCapabilities() async throws(POP3Error) -> POP3Capabilities {
        try await send(.capa)
        let status = try await readStatus()
        guard status.isOK else { return POP3Capabilities() }
        return POP3Capabilities(lines: try await readListing())
    }

    // MARK: - Login

    /// Logs in. Credentials never travel over a plain link unless `allowPlaintextLogin` was set.
    nonisolated(nonsending) public func login(_ credentials: POP3Credentials) async throws(POP3Error) {
        guard state == .authorization else {
            throw state == .closed ? .sessionClosed : .protocolError("already logged in")
        }
        guard isSecure || allowPlaintextLogin else { throw .plaintextLoginRefused }
        switch credentials {
        case .userPass(let user, let password):
            let userStatus = try await command(.user(user))
            guard userStatus.isOK else { throw .loginFailed(serverText: userStatus.serverText) }
            let passStatus = try await command(.pass(password))
            guard passStatus.isOK else { throw .loginFailed(serverText: passStatus.serverText) }
        case .plain(let authzid, let authcid, let password):
            if !capabilities.entries.isEmpty, !capabilities.saslMechanisms.contains("PLAIN") {
                throw .mechanismNotOffered("PLAIN")
            }
            let status = try await command(.authPlain(authzid: authzid, authcid: authcid, password: password))
            switch status.kind {
            case .ok:
                break
            case .error:
                throw .loginFailed(serverText: status.serverText)
            case .continuation:
                // The initial response went with the command; a challenge now is not PLAIN.
                await fail()
                throw .protocolError("the server sent a SASL challenge after AUTH PLAIN with an initial response")
            }
        case .bearer(let user, let token, let mechanism):
            try await authenticate(bearerToken: token, user: user, mechanism: mechanism)
        }
        state = .transaction
    }

    /// RFC 5034 AUTH with XOAUTH2 or OAUTHBEARER. The initial response goes with the command when the
    /// line stays within 255 octets (RFC 5034 section 4), else after the server's empty challenge.
    /// A challenge after the response is the error report: acknowledged, then decoded into the error.
    nonisolated(nonsending) private func authenticate(
        bearerToken token: String, user: String, mechanism: BearerTokenSASL?
    )
        async throws(POP3Error)
    {
        guard let chosen = mechanism ?? BearerTokenSASL.preferred(offered: capabilities.saslMechanisms) else {
            throw .mechanismNotOffered("OAUTHBEARER or XOAUTH2")
        }
        if !capabilities.entries.isEmpty, !capabilities.saslMechanisms.contains(chosen.rawValue) {
            throw .mechanismNotOffered(chosen.rawValue)
        }
        let response: String
        do {
            response = try chosen.initialResponse(user: user, token: token, host: endpoint?.host, port: endpoint?.port)
        } catch {
            throw .invalidArgument(error.userMessage)
        }
        var status: POP3Status
        if "AUTH \(chosen.rawValue) \(response)".utf8.count <= 255 {
            status = try await command(.authBearer(mechanism: chosen.rawValue, initialResponse: response))
        } else {
            status = try await command(.authBearer(mechanism: chosen.rawValue, initialResponse: nil))
            if status.kind == .continuation { status = try await command(.saslResponse(response)) }
        }
        switch status.kind {
        case .ok:
            return
        case .error:
            throw .loginFailed(serverText: status.serverText)
        case .continuation:
            let challenge = BearerTokenSASL.describeChallenge(status.serverText)
            let final = try await command(.saslResponse(chosen.errorAcknowledgement))
            guard final.kind == .error else {
                await fail()
                throw .protocolError(
                    "the server did not end AUTH \(chosen.rawValue) with -ERR after its error challenge")
            }
            throw .tokenRefused(challenge: challenge, serverText: final.serverText)
        }
    }

    // MARK: - Transaction state

    /// STAT: number of messages and their total size.
    nonisolated(nonsending) public func stat() async throws(POP3Error) -> POP3MailboxStatus {
        try POP3MailboxStatus.parse(try await checkedCommand(.stat).text)
    }

    /// UIDL for every message.
    nonisolated(nonsending) public func uniqueIDs() async throws(POP3Error) -> [POP3UniqueID] {
        var ids: [POP3UniqueID] = []
        for line in try await checkedListing(.uidl(nil)) {
            ids.append(try POP3UniqueID.parse(line))
        }
        return ids
    }

    /// UIDL n.
    nonisolated(nonsending) public func uniqueID(of messageNumber: Int) async throws(POP3Error) -> POP3UniqueID {
        try POP3UniqueID.parse(try await checkedCommand(.uidl(messageNumber)).text)
    }

    /// LIST for every message. Sizes count line ends as CRLF. They can differ from what RETR sends:
    /// Dovecot returns a message whose stored form lacks a final line end with an added CRLF
    /// (2 bytes more), so treat a size as an estimate, not as an exact literal length.
    nonisolated(nonsending) public func messageSizes() async throws(POP3Error) -> [POP3MessageSize] {
        var sizes: [POP3MessageSize] = []
        for line in try await checkedListing(.list(nil)) {
            sizes.append(try POP3MessageSize.parse(line))
        }
        return sizes
    }

    /// LIST n.
    nonisolated(nonsending) public func messageSize(of messageNumber: Int) async throws(POP3Error) -> POP3MessageSize {
        try POP3MessageSize.parse(try await checkedCommand(.list(messageNumber)).text)
    }

    /// TOP n 0: the message's header block (and the blank line after it), at most
    /// `POP3Limits.maxHeaderBytes`.
    nonisolated(nonsending) public func headers(of messageNumber: Int) async throws(POP3Error) -> ByteBuffer {
        var headers = ByteBuffer()
        let limit = limits.maxHeaderBytes
        try await checkedStream(.top(messageNumber, lines: 0)) { (chunk: inout ByteBuffer) throws(POP3Error) in
            guard headers.readableBytes + chunk.readableBytes <= limit else { throw .headerTooLarge(limit: limit) }
            headers.writeBuffer(&chunk)
        }
        return headers
    }

    /// `TOP n 0` for each message number, in order, handing each header block to `consume`. When the
    /// server offers PIPELINING (RFC 2449), up to `window` commands go out in one write before their
    /// responses are read, which saves a round trip per message; otherwise one command at a time.
    /// A `-ERR` for one message (deleted by another session) is passed on as nil.
    nonisolated(nonsending) public func headers(
        of messageNumbers: [Int], window: Int = 64, _ consume: (Int, ByteBuffer?) throws(POP3Error) -> Void
    ) async throws(POP3Error) {
        try await requireTransaction()
        let batchSize = capabilities.supportsPipelining ? max(1, window) : 1
        var start = 0
        while start < messageNumbers.count {
            let batch = messageNumbers[start..<min(start + batchSize, messageNumbers.count)]
            start += batch.count
            try await sendAll(batch.map { POP3Command.top($0, lines: 0) })
            for number in batch {
                let status = try await readStatus()
                guard status.isOK else {
                    try await deliver(nil, of: number, to: consume)
                    continue
                }
                var headers = ByteBuffer()
                let limit = limits.maxHeaderBytes
                while true {
                    switch try await nextEvent() {
                    case .data(var chunk):
                        guard headers.readableBytes + chunk.readableBytes <= limit else {
                            throw await failure(.headerTooLarge(limit: limit))
                        }
                        headers.writeBuffer(&chunk)
                        continue
                    case .end:
                        break
                    case let other:
                        throw await failure(.protocolError("unexpected \(other) inside a message"))
                    }
                    break
                }
                try await deliver(headers, of: number, to: consume)
            }
        }
    }

    /// Hands one header block on; if the consumer throws, the session is closed (responses to the
    /// rest of the pipelined batch are still in flight).
    nonisolated(nonsending) private func deliver(
        _ headers: ByteBuffer?, of number: Int, to consume: (Int, ByteBuffer?) throws(POP3Error) -> Void
    ) async throws(POP3Error) {
        do {
            try consume(number, headers)
        } catch {
            throw await failure(error)
        }
    }

    /// RETR n, handing the dot-unstuffed message to `consumer` chunk by chunk as it arrives;
    /// the message is never held whole. Line endings are as the server sends them (CRLF).
    /// If `consumer` throws, the session is closed (the rest of the message is still in flight)
    /// and its error is rethrown.
    nonisolated(nonsending) public func retrieve(
        _ messageNumber: Int, into consumer: (ByteBuffer) async throws -> Void
    ) async throws {
        try await stream(.retr(messageNumber), into: consumer)
    }

    /// The whole message by `TOP n <max>`, streamed like `retrieve(_:into:)`. RFC 1939 sends the entire
    /// message when more lines are asked for than the body has; unlike RETR, servers do not count this
    /// as reading it (Dovecot sets `\Seen` on RETR, not on TOP). Needs `capabilities.supportsTOP`.
    nonisolated(nonsending) public func retrieveUnread(
        _ messageNumber: Int, into consumer: (ByteBuffer) async throws -> Void
    ) async throws {
        try await stream(.top(messageNumber, lines: Int(Int32.max)), into: consumer)
    }

    /// Sends `TOP n <max>` (the whole message, left unread) for each number in one write, so that the
    /// messages follow each other without a round trip; `readRequested(into:)` reads them, oldest
    /// first. Needs `capabilities.supportsTOP`, and for more than one number `supportsPipelining`
    /// (RFC 2449). Nothing else may be sent until every response has been read.
    nonisolated(nonsending) public func requestUnread(_ messageNumbers: [Int]) async throws(POP3Error) {
        try await requireTransaction()
        guard messageNumbers.count <= 1 || capabilities.supportsPipelining else {
            throw .protocolError("the server does not offer PIPELINING")
        }
        try await sendAll(messageNumbers.map { POP3Command.top($0, lines: Int(Int32.max)) })
    }

    /// Several commands in one write, each announced to the framer in order.
    nonisolated(nonsending) private func sendAll(_ commands: [POP3Command]) async throws(POP3Error) {
        var buffer = ByteBuffer()
        for command in commands {
            try command.encode(into: &buffer)  // all encoded before any is announced or sent
        }
        for command in commands {
            trace?("C: \(command.redactedDescription)")
            framer.expect(command.responseShape)
        }
        do {
            try await transport.write(buffer)
        } catch {
            throw await failure(.transport(error))
        }
    }

    /// The response to the oldest `TOP` that `requestUnread(_:)` sent: the message streamed to
    /// `consumer` like `retrieveUnread(_:into:)`. False when the server answered `-ERR` (the message
    /// was deleted by another session). If `consumer` throws, the session is closed.
    nonisolated(nonsending) public func readRequested(into consumer: (ByteBuffer) async throws -> Void) async throws
        -> Bool
    {
        let status = try await readStatus()
        guard status.isOK else { return false }
        try await streamMessage(into: consumer)
        return true
    }

    nonisolated(nonsending) private func stream(
        _ command: POP3Command, into consumer: (ByteBuffer) async throws -> Void
    ) async throws {
        try await requireTransaction()
        try await send(command)
        let status = try await readStatus()
        guard status.isOK else {
            throw POP3Error.commandFailed(command: command.redactedDescription, serverText: status.serverText)
        }
        try await streamMessage(into: consumer)
    }

    /// The lines of a multi-line answer after its +OK, dot-unstuffed, to `consumer`; if it throws,
    /// the session is closed (the rest is still in flight) and its error rethrown.
    nonisolated(nonsending) private func streamMessage(into consumer: (ByteBuffer) async throws -> Void) async throws {
        while true {
            switch try await nextEvent() {
            case .data(let chunk):
                do {
                    try await consumer(chunk)
                } catch {
                    await fail()
                    throw error
                }
            case .end:
                return
            case let other:
                throw await failure(.protocolError("unexpected \(other) inside a message"))
            }
        }
    }

    /// NOOP: keeps the session alive.
    nonisolated(nonsending) public func noop() async throws(POP3Error) {
        _ = try await checkedCommand(.noop)
    }

    /// QUIT and close. POP3's UPDATE state deletes only what DELE marked, and this client
    /// never marks anything. Safe to call more than once.
    nonisolated(nonsending) public func quit() async {
        guard state != .closed else { return }
        if (try? await send(.quit)) != nil {
            _ = try? await readStatus()
        }
        await close()
    }

    /// Closes the connection without QUIT.
    nonisolated(nonsending) public func close() async {
        state = .closed
        await transport.close()
    }

    // MARK: - Plumbing

    nonisolated(nonsending) private func requireTransaction() async throws(POP3Error) {
        switch state {
        case .transaction: return
        case .authorization: throw .protocolError("not logged in")
        case .closed: throw .sessionClosed
        }
    }

    /// Sends a command in one write and announces its response shape to the framer.
    nonisolated(nonsending) private func send(_ command: POP3Command) async throws(POP3Error) {
        guard state != .closed else { throw .sessionClosed }
        try await sendAll([command])
    }

    nonisolated(nonsending) private func command(_ command: POP3Command) async throws(POP3Error) -> POP3Status {
        try await send(command)
        return try await readStatus()
    }

    /// A command in the transaction state whose -ERR is a failure.
    nonisolated(nonsending) private func checkedCommand(_ command: POP3Command) async throws(POP3Error) -> POP3Status {
        try await requireTransaction()
        let status = try await self.command(command)
        guard status.isOK else {
            throw .commandFailed(command: command.redactedDescription, serverText: status.serverText)
        }
        return status
    }

    nonisolated(nonsending) private func checkedListing(_ command: POP3Command) async throws(POP3Error) -> [String] {
        _ = try await checkedCommand(command)
        return try await readListing()
    }

    nonisolated(nonsending) private func checkedStream(
        _ command: POP3Command, _ consume: (inout ByteBuffer) throws(POP3Error) -> Void
    ) async throws(POP3Error) {
        _ = try await checkedCommand(command)
        while true {
            switch try await nextEvent() {
            case .data(var chunk):
                do {
                    try consume(&chunk)
                } catch {
                    throw await failure(error)
                }
            case .end:
                return
            case let other:
                throw await failure(.protocolError("unexpected \(other) inside a message"))
            }
        }
    }

    nonisolated(nonsending) private func readStatus() async throws(POP3Error) -> POP3Status {
        guard case .status(let status) = try await nextEvent() else {
            throw await failure(.protocolError("expected a status line"))
        }
        trace?("S: \(status.traceDescription)")
        return status
    }

    nonisolated(nonsending) private func readListing() async throws(POP3Error) -> [String] {
        var lines: [String] = []
        while true {
            switch try await nextEvent() {
            case .line(let line):
                guard lines.count < limits.maxListingLines else {
                    throw await failure(.listingTooLong(limit: limits.maxListingLines))
                }
                lines.append(line)
            case .end:
                return lines
            case let other:
                throw await failure(.protocolError("unexpected \(other) inside a listing"))
            }
        }
    }

    /// The next framed event, reading from the transport as needed. Any failure closes the session:
    /// after it, responses and commands can no longer be matched up.
    nonisolated(nonsending) private func nextEvent() async throws(POP3Error) -> POP3ResponseEvent {
        while true {
            do {
                if let event = try framer.next() { return event }
            } catch {
                throw await failure(error)
            }
            let bytes: ByteBuffer?
            do {
                bytes = try await transport.read()
            } catch {
                throw await failure(.transport(error))
            }
            guard let bytes else { throw await failure(.serverClosed) }
            framer.append(bytes)
        }
    }

    nonisolated(nonsending) private func failure(_ error: POP3Error) async -> POP3Error {
        await fail()
        return error
    }

    /// Closes the session for good: responses and commands can no longer be matched up.
    nonisolated(nonsending) private func fail() async {
        await close()
    }
}
