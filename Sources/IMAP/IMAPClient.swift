import MailTransport
import NIOCore

/// An IMAP4rev1 session over a `MailConnection`.
///
/// Commands may be issued concurrently from several tasks: each is sent at once (pipelining),
/// tagged, and its untagged responses are routed to it; whichever task waits reads the stream
/// for everyone. Message bodies stream straight from the socket to the caller.
/// Any transport or protocol failure is fatal: the session fails every waiter with the same error.
public actor IMAPClient {
    public enum State: Sendable, Equatable {
        case notAuthenticated
        case authenticated
        case selected(String)
        case loggedOut
    }

    public let configuration: IMAPClientConfiguration
    let connection: MailConnection
    private var parser: IMAPResponseParser
    private var tagCounter = 0
    var pending: [PendingCommand] = []
    private var readInProgress = false
    private var streamingCommand: PendingCommand?
    private var readerWaiters: [CheckedContinuation<Void, Never>] = []
    private var writerBusy = false
    private var writerWaiters: [CheckedContinuation<Void, Never>] = []
    /// Output of the command being written, sent together (see `bufferOutput`).
    private var outputBuffers: [ByteBuffer] = []
    private var outputByteCount = 0
    static let outputFlushThreshold = 64 * 1024
    private var fatalError: IMAPError?
    private var byeText: IMAPResponseText?
    /// Commands whose body is being streamed to a caller, by tag.
    var bodyCommands: [String: PendingCommand] = [:]

    /// Capabilities in upper case, as last announced.
    public internal(set) var capabilities: Set<String> = []
    public internal(set) var state = State.notAuthenticated
    /// Whether the link is TLS-protected.
    public internal(set) var isSecure = false

    init(connection: MailConnection, configuration: IMAPClientConfiguration, secure: Bool) {
        self.connection = connection
        self.configuration = configuration
        self.parser = IMAPResponseParser(limits: configuration.limits)
        self.isSecure = secure
    }

    /// Connects, reads the greeting, learns the capabilities and applies the STARTTLS policy.
    public static func connect(_ configuration: IMAPClientConfiguration) async throws(IMAPError) -> IMAPClient {
        let implicitTLS = configuration.security == .implicitTLS
        let connection: MailConnection
        do {
            connection = try await MailConnection.connect(
                host: configuration.host, port: configuration.port,
                security: implicitTLS ? .implicitTLS : .plain, tls: configuration.tls,
                timeouts: configuration.timeouts)
        } catch {
            throw .transport(error)
        }
        let client = IMAPClient(connection: connection, configuration: configuration, secure: implicitTLS)
        do {
            try await client.start()
        } catch {
            await connection.close()
            throw error
        }
        return client
    }

    public func hasCapability(_ name: String) -> Bool { capabilities.contains(name.uppercased()) }

    // MARK: Greeting and STARTTLS

    /// `greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF`
    private func start() async throws(IMAPError) {
        let greeting = try await readGreeting()
        switch greeting {
        case .condition(.ok, let text):
            if case .capability(let list) = text.code { setCapabilities(list) }
        case .condition(.preauth, let text):
            if case .capability(let list) = text.code { setCapabilities(list) }
            state = .authenticated
        case .condition(.bye, let text):
            throw .serverBye(text)
        default:
            throw .protocolError("unexpected greeting")
        }
        if capabilities.isEmpty { try await refreshCapabilities() }

        guard case .plain(let policy) = configuration.security, policy != .never else { return }
        guard hasCapability("STARTTLS"), state == .notAuthenticated else {
            if policy == .required { throw .startTLSUnavailable }
            return
        }
        try await startTLS()
    }

    private func readGreeting() async throws(IMAPError) -> IMAPUntaggedResponse {
        readInProgress = true
        defer { readInProgress = false }
        let deadline = NIODeadline.now() + configuration.timeouts.idle
        switch await readResponse(deadline: deadline, commandName: "greeting") {
        case .success(.untagged(let response)):
            trace("S: * \(response.summary)")
            return response
        case .success:
            throw .protocolError("the server did not start with a greeting")
        case .failure(let error):
            throw error
        }
    }

    /// `STARTTLS`, then the TLS handshake, then CAPABILITY again (RFC 3501 6.2.1: earlier
    /// capabilities must be forgotten).
    private func startTLS() async throws(IMAPError) {
        _ = try await run(IMAPCommand("STARTTLS", [.syntax("STARTTLS")]))
        // Bytes after the OK and before the handshake would be an injection attempt.
        guard !parser.hasPartialResponse else {
            throw fail(.protocolError("the server sent data after accepting STARTTLS"))
        }
        do {
            try await connection.startTLS()
        } catch {
            throw fail(.transport(error))
        }
        isSecure = true
        capabilities = []
        try await refreshCapabilities()
    }

    public func refreshCapabilities() async throws(IMAPError) {
        let result = try await run(IMAPCommand("CAPABILITY", [.syntax("CAPABILITY")])) {
            if case .capability = $0 { true } else { false }
        }
        for case .capability(let list) in result.untagged { setCapabilities(list) }
    }

    func setCapabilities(_ list: [String]) {
        capabilities = Set(list.map { $0.uppercased() })
    }

    // MARK: Running commands

    struct CommandResult {
        var untagged: [IMAPUntaggedResponse]
        var tagged: IMAPTaggedResponse
    }

    /// Sends a command, waits for its completion and fails on NO/BAD.
    @discardableResult
    func run(
        _ command: IMAPCommand, sources: [IMAPMessageSource] = [], timeout: TimeAmount? = nil,
        accepts: @escaping (IMAPUntaggedResponse) -> Bool = { _ in false }
    ) async throws(IMAPError) -> CommandResult {
        let pendingCommand = try await send(command, sources: sources, timeout: timeout, accepts: accepts)
        return try await complete(pendingCommand)
    }

    func complete(_ command: PendingCommand) async throws(IMAPError) -> CommandResult {
        try await pump(for: command) { $0.completion != nil }
        guard let tagged = command.completion else { throw .sessionClosed }
        guard tagged.status == .ok else {
            throw .commandFailed(command: command.name, status: tagged.status, text: tagged.text)
        }
        return CommandResult(untagged: command.untagged, tagged: tagged)
    }

    /// Writes a command (and any literals) while holding the writer; returns once it is fully sent
    /// or the server refused a synchronizing literal.
    func send(
        _ command: IMAPCommand, sources: [IMAPMessageSource] = [], timeout: TimeAmount? = nil,
        streamsBody: Bool = false, accepts: @escaping (IMAPUntaggedResponse) -> Bool = { _ in false },
        consume: ((IMAPUntaggedResponse) -> Void)? = nil
    ) async throws(IMAPError) -> PendingCommand {
        try checkUsable()
        await acquireWriter()
        defer { releaseWriter() }
        try checkUsable()

        let tag = nextTag()
        let encoded = try encode(command, tag: tag)
        let effectiveTimeout = timeout ?? configuration.commandTimeout
        let pendingCommand = PendingCommand(
            tag: tag, name: command.name, deadline: effectiveTimeout.map { NIODeadline.now() + $0 },
            streamsBody: streamsBody, accepts: accepts)
        pendingCommand.consume = consume
        pending.append(pendingCommand)
        trace("C: " + encoded.trace)
        var remainingSources = sources[...]
        _ = try await perform(encoded.steps, for: pendingCommand, sources: &remainingSources)
        try await flushOutput()
        configuration.commandSent?(command.name)
        return pendingCommand
    }

    func nextTag() -> String {
        tagCounter += 1
        return "A\(tagCounter)"
    }

    func encode(_ command: IMAPCommand, tag: String?, terminated: Bool = true) throws(IMAPError) -> IMAPEncodedCommand {
        do {
            var encoder = IMAPCommandEncoder(literalPlus: hasCapability("LITERAL+"))
            encoder.tracing = configuration.trace != nil
            return try encoder.encode(command, tag: tag, terminated: terminated)
        } catch {
            throw .encoding(error)
        }
    }

    /// Carries out encoded steps for `command` with the writer held. Returns false when the server
    /// answered the command instead of a synchronizing literal's continuation (it refused it).
    func perform(
        _ steps: [IMAPEncodedCommand.Step], for command: PendingCommand, sources: inout ArraySlice<IMAPMessageSource>
    ) async throws(IMAPError) -> Bool {
        for step in steps {
            switch step {
            case .send(let bytes):
                try await bufferOutput(bytes)
            case .awaitContinuation:
                try await flushOutput()
                command.awaitingContinuation = true
                try await pump(for: command) { $0.continuationText != nil || $0.completion != nil }
                command.awaitingContinuation = false
                command.continuationText = nil
                if command.completion != nil { return false }  // refused before the literal
            case .streamLiteral(let byteCount):
                guard let source = sources.popFirst() else { throw fail(.sessionClosed) }
                try await stream(source, byteCount: byteCount)
            }
        }
        return true
    }

    /// Writes a message body chunk by chunk into the output buffer, which goes out in writes of
    /// `outputFlushThreshold` bytes: small messages share a write, large ones keep backpressure
    /// (with a `literalBytesSent` observer, each chunk goes out on its own).
    private func stream(_ source: IMAPMessageSource, byteCount: Int) async throws(IMAPError) {
        var written = 0
        while true {
            let chunk: ByteBuffer?
            do {
                chunk = try await source.next()
            } catch {
                throw fail(.protocolError("message source failed: \(error)"))
            }
            guard let chunk else { break }
            written += chunk.readableBytes
            guard written <= byteCount else { throw fail(.messageSizeMismatch(expected: byteCount, actual: written)) }
            guard chunk.readableBytes > 0 else { continue }
            try await bufferOutput(chunk)
            if let observer = configuration.literalBytesSent {
                try await flushOutput()
                observer(written, byteCount)
            }
        }
        guard written == byteCount else { throw fail(.messageSizeMismatch(expected: byteCount, actual: written)) }
    }

    /// Adds bytes to the pending output; writes it once it reaches `outputFlushThreshold`.
    func bufferOutput(_ bytes: ByteBuffer) async throws(IMAPError) {
        outputBuffers.append(bytes)
        outputByteCount += bytes.readableBytes
        if outputByteCount >= Self.outputFlushThreshold { try await flushOutput() }
    }

    /// Writes the pending output and waits until the kernel took it.
    func flushOutput() async throws(IMAPError) {
        guard !outputBuffers.isEmpty else { return }
        let buffers = outputBuffers
        outputBuffers = []
        outputByteCount = 0
        try await write(buffers)
    }

    func write(_ buffers: [ByteBuffer]) async throws(IMAPError) {
        guard !buffers.isEmpty else { return }
        do {
            try await connection.write(contentsOf: buffers)
        } catch {
            throw fail(.transport(error))
        }
    }

    /// Reads responses (taking turns with other waiting tasks) until `done` holds for `command`.
    func pump(for command: PendingCommand, until done: (PendingCommand) -> Bool) async throws(IMAPError) {
        while !done(command) {
            if let fatalError { throw fatalError }
            guard !readInProgress, streamingCommand == nil || streamingCommand === command else {
                await withCheckedContinuation { readerWaiters.append($0) }
                continue
            }
            readInProgress = true
            let result = await readResponse(deadline: command.deadline, commandName: command.name)
            readInProgress = false
            switch result {
            case .success(let response):
                dispatch(response)
                wakeReaders()
            case .failure(let error):
                throw fail(error)
            }
        }
    }

    /// The next response, reading from the connection as needed.
    func readResponse(deadline: NIODeadline?, commandName: String) async -> Result<IMAPResponse, IMAPError> {
        while true {
            do {
                if let response = try parser.next() { return .success(response) }
            } catch {
                return .failure(error.isLimit ? .limitExceeded(error.userMessage) : .protocolError(error.userMessage))
            }
            do {
                guard let chunk = try await connection.read(deadline: deadline) else {
                    if let byeText { return .failure(.serverBye(byeText)) }
                    return .failure(.transport(.disconnected))
                }
                parser.append(chunk)
            } catch .timedOut(.command) {
                return .failure(.timedOut(command: commandName))
            } catch {
                if let byeText, error == .disconnected { return .failure(.serverBye(byeText)) }
                return .failure(.transport(error))
            }
        }
    }

    /// Routes one response to the command it belongs to, or to session state.
    func dispatch(_ response: IMAPResponse) {
        switch response {
        case .tagged(let tagged):
            trace("S: \(tagged.tag) \(tagged.status.rawValue) \(tagged.text)")
            if case .capability(let list) = tagged.text.code { setCapabilities(list) }
            if let index = pending.firstIndex(where: { $0.tag == tagged.tag }) {
                pending[index].completion = tagged
                pending.remove(at: index)
            }
        case .continuation(let text):
            trace("S: + \(text)")
            pending.first { $0.awaitingContinuation }?.continuationText = text
        case .untagged(let untagged):
            trace("S: * \(untagged.summary)")
            routeUntagged(untagged)
        case .fetchBodyBegin(_, let uid, let byteCount):
            // The oldest command that asked for bodies and is not in the middle of one owns this
            // literal; a multi-message FETCH owns one body after another.
            if let owner = pending.first(where: { $0.streamsBody && ($0.bodyByteCount == nil || $0.bodyFinished) }) {
                owner.bodyByteCount = byteCount
                owner.bodyUID = uid
                owner.bodyFinished = false
                owner.bodiesBegun += 1
                streamingCommand = owner
            }
        case .fetchBodyBytes:
            break  // Only reached while draining an abandoned or unsolicited body.
        case .fetchBodyEnd:
            streamingCommand?.bodyFinished = true
            streamingCommand = nil
        }
    }

    private func routeUntagged(_ untagged: IMAPUntaggedResponse) {
        switch untagged {
        case .capability(let list):
            setCapabilities(list)
        case .condition(let status, let text):
            if case .capability(let list) = text.code { setCapabilities(list) }
            if status == .bye { byeText = text }
        default:
            break
        }
        guard let owner = pending.first(where: { $0.accepts(untagged) }) else { return }
        if let consume = owner.consume {
            consume(untagged)
        } else {
            owner.untagged.append(untagged)
        }
    }

    // MARK: Turn-taking and failure

    private func wakeReaders() {
        let waiters = readerWaiters
        readerWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    func acquireWriter() async {
        while writerBusy {
            await withCheckedContinuation { writerWaiters.append($0) }
        }
        writerBusy = true
    }

    func releaseWriter() {
        writerBusy = false
        if !writerWaiters.isEmpty { writerWaiters.removeFirst().resume() }
    }

    func checkUsable() throws(IMAPError) {
        if let fatalError { throw fatalError }
        if state == .loggedOut { throw .sessionClosed }
    }

    /// Records a fatal error, wakes every waiter and closes the link; returns the error to throw.
    @discardableResult
    func fail(_ error: IMAPError) -> IMAPError {
        if fatalError == nil {
            fatalError = error
            let connection = connection
            Task { await connection.close() }
        }
        wakeReaders()
        let writers = writerWaiters
        writerWaiters = []
        for waiter in writers { waiter.resume() }
        return fatalError ?? error
    }

    func markLoggedOut() {
        state = .loggedOut
        if fatalError == nil { fatalError = .sessionClosed }
    }

    /// The line is only built when tracing is on: responses arrive by the thousand.
    func trace(_ line: @autoclosure () -> String) {
        configuration.trace?(line())
    }

    // MARK: Body streaming

    /// The next chunk of body number `ordinal` of `command`, `nil` at its end.
    func nextBodyChunk(_ command: PendingCommand, ordinal: Int) async throws(IMAPError) -> ByteBuffer? {
        while streamingCommand === command, command.bodiesBegun == ordinal, !command.bodyFinished {
            if let fatalError { throw fatalError }
            // A fetch's deadline covers the whole body, also while chunks come from bytes already
            // buffered: a fast link must not hide a breach that a slow one would report.
            if let deadline = command.deadline, NIODeadline.now() >= deadline {
                throw fail(.timedOut(command: command.name))
            }
            readInProgress = true
            let result = await readResponse(deadline: command.deadline, commandName: command.name)
            readInProgress = false
            switch result {
            case .success(.fetchBodyBytes(let bytes)):
                return bytes
            case .success(let other):
                dispatch(other)
                wakeReaders()
            case .failure(let error):
                throw fail(error)
            }
        }
        return nil
    }
}

extension IMAPUntaggedResponse {
    /// A short, secret-free line for traces.
    var summary: String {
        switch self {
        case .condition(let status, let text): "\(status.rawValue) \(text)"
        case .capability(let list): "CAPABILITY \(list.joined(separator: " "))"
        case .list(let entry): "LIST (\(entry.attributes.joined(separator: " "))) \(entry.wireName)"
        case .lsub(let entry): "LSUB \(entry.wireName)"
        case .namespace: "NAMESPACE"
        case .status(let mailbox, _): "STATUS \(mailbox)"
        case .exists(let count): "\(count) EXISTS"
        case .recent(let count): "\(count) RECENT"
        case .expunge(let number): "\(number) EXPUNGE"
        case .flags(let flags): "FLAGS (\(flags.joined(separator: " ")))"
        case .fetch(let fetch): "\(fetch.sequenceNumber) FETCH UID \(fetch.uid.map(String.init) ?? "?")"
        case .id: "ID"
        case .enabled(let list): "ENABLED \(list.joined(separator: " "))"
        case .search(let uids): "SEARCH (\(uids.count))"
        case .metadata(let mailbox, let entries): "METADATA \(mailbox) (\(entries.map(\.name).joined(separator: " ")))"
        case .other(let text): String(text.prefix(80))
        }
    }
}
