import NIOCore
import NIOPosix
import NIOSSL

/// One TCP connection to a mail server, optionally TLS-protected, with an async byte-chunk API
/// made for incremental parsers.
///
/// Reads deliver whatever bytes arrived (`read()`), writes send whole commands in one flush.
/// One reader and one writer at a time; protocol sessions serialise their own use.
public final class MailConnection: Sendable {
    /// The group used when the caller passes none: NIO's process-wide singleton.
    public static var defaultEventLoopGroup: any EventLoopGroup { MultiThreadedEventLoopGroup.singleton }

    /// The loop that connections opened by this task use when the caller names none: a mailbox's
    /// connections share the loop its tasks run on (see `EventLoopTaskExecutor`).
    @TaskLocal public static var preferredEventLoop: (any EventLoop)?

    public let host: String
    public let port: Int
    private let channel: any Channel
    private let bridge: NIOLoopBound<InboundBridgeHandler>
    private let tlsContext: NIOSSLContext
    private let serverName: String?
    private let timeouts: TransportTimeouts
    private let errorMapping: TransportErrorMapping

    private init(
        host: String, port: Int, channel: any Channel, bridge: NIOLoopBound<InboundBridgeHandler>,
        tlsContext: NIOSSLContext, serverName: String?, timeouts: TransportTimeouts
    ) {
        self.host = host
        self.port = port
        self.channel = channel
        self.bridge = bridge
        self.tlsContext = tlsContext
        self.serverName = serverName
        self.timeouts = timeouts
        self.errorMapping = TransportErrorMapping(host: host, port: port)
    }

    /// Connects over IPv4 or IPv6 (host name, IPv4 literal, or IPv6 literal with or without
    /// brackets). With `.implicitTLS` it returns only after the handshake and certificate checks.
    ///
    /// - Parameter receiveBufferLimit: bytes buffered ahead of the reader before the socket stops
    ///   being read (backpressure).
    public static func connect(
        host rawHost: String,
        port: Int,
        security: TransportSecurity,
        tls: TLSOptions = TLSOptions(),
        timeouts: TransportTimeouts = TransportTimeouts(),
        eventLoopGroup: (any EventLoopGroup)? = nil,
        receiveBufferLimit: Int = 256 * 1024
    ) async throws(TransportError) -> MailConnection {
        let host = Self.stripBrackets(rawHost)
        let mapping = TransportErrorMapping(host: host, port: port)
        let tlsContext: NIOSSLContext
        if let cache = tls.contextCache {
            tlsContext = try cache.context(for: tls, make: makeTLSContext)
        } else {
            tlsContext = try makeTLSContext(tls)
        }
        let serverName = Self.isIPAddress(host) ? nil : host
        let group = eventLoopGroup ?? preferredEventLoop ?? defaultEventLoopGroup
        let implicitTLS = security == .implicitTLS

        // The initializer may run for several candidate channels (happy eyeballs); remember each
        // channel's bridge so the winner's is found even if the channel closed right away.
        let bridges = BridgeRegistry()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeouts.connect)
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            // One socket read (at most 64 KiB) per wake-up, not NIO's four: the TLS handler hands
            // on what it decrypted only once a burst of reads is done, so its buffer grew to 256 KiB
            // per connection, 40 of them at 20 mailboxes at once.
            .channelOption(ChannelOptions.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if implicitTLS {
                        try sync.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    let bridge = InboundBridgeHandler(
                        highWatermark: receiveBufferLimit, idleTimeout: timeouts.idle, errorMapping: mapping)
                    try sync.addHandler(bridge)
                    bridges.register(bridge, for: channel)
                }
            }

        let channel: any Channel
        let bridge: NIOLoopBound<InboundBridgeHandler>
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw mapping.map(error)
        }
        guard let registered = bridges.bridge(for: channel) else {
            channel.close(promise: nil)
            throw .io("connection set-up failed")
        }
        bridge = registered
        let connection = MailConnection(
            host: host, port: port, channel: channel, bridge: bridge,
            tlsContext: tlsContext, serverName: serverName, timeouts: timeouts)
        if implicitTLS {
            do {
                try await connection.awaitHandshake()
            } catch {
                await connection.close()
                throw error
            }
        }
        return connection
    }

    /// Whether the bytes on the wire are TLS-protected now.
    public var isSecure: Bool {
        get async {
            (try? await channel.eventLoop.submit { self.bridge.value.isSecure }.get()) ?? false
        }
    }

    /// Upgrades a plain connection once the server accepted STARTTLS (IMAP) or STLS (POP3).
    /// Returns after the handshake and certificate checks.
    public func startTLS() async throws(TransportError) {
        let context = tlsContext
        let serverName = serverName
        let channel = channel
        let bridge = bridge
        let injected: Bool
        do {
            injected = try await channel.eventLoop.submit {
                guard !bridge.value.hasUnreadBytes else { return true }
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
                return false
            }.get()
        } catch {
            throw errorMapping.map(error)
        }
        if injected {
            await close()
            throw .tlsHandshakeFailed(host: host, reason: "the server sent unencrypted data before the TLS handshake")
        }
        do {
            try await awaitHandshake()
        } catch {
            await close()
            throw error
        }
    }

    /// The next chunk of inbound bytes, or `nil` once the server closed the connection.
    /// Fails with `.timedOut(.read)` after the idle timeout, or `.timedOut(.command)` at `deadline`.
    public func read(deadline: NIODeadline? = nil) async throws(TransportError) -> ByteBuffer? {
        let bridge = bridge
        let loop = channel.eventLoop
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: InboundBridgeHandler.ReadContinuation) in
                loop.execute { bridge.value.nextChunk(deadline: deadline, continuation: continuation) }
            }
        } onCancel: {
            loop.execute { bridge.value.cancelRead() }
        }
        return try result.get()
    }

    /// Sends one buffer (a whole command) in one write and flush.
    public func write(_ buffer: ByteBuffer) async throws(TransportError) {
        try await write(contentsOf: [buffer])
    }

    /// Sends several buffers with one flush, so a command and its literal leave together.
    public func write(contentsOf buffers: [ByteBuffer]) async throws(TransportError) {
        let bridge = bridge
        let loop = channel.eventLoop
        let result = await withCheckedContinuation { (continuation: InboundBridgeHandler.VoidContinuation) in
            loop.execute { bridge.value.write(buffers, continuation: continuation) }
        }
        try result.get()
    }

    /// Closes the connection; safe to call more than once.
    public func close() async {
        try? await channel.close().get()
    }

    /// A buffer allocator matching the channel's.
    public var allocator: ByteBufferAllocator { channel.allocator }

    private func awaitHandshake() async throws(TransportError) {
        let bridge = bridge
        let timeout = timeouts.connect
        let result = await withCheckedContinuation { (continuation: InboundBridgeHandler.VoidContinuation) in
            channel.eventLoop.execute { bridge.value.awaitHandshake(timeout: timeout, continuation: continuation) }
        }
        try result.get()
    }

    static func makeTLSContext(_ options: TLSOptions) throws(TransportError) -> NIOSSLContext {
        let configuration = try options.clientConfiguration()
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .tlsConfiguration("\(error)")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    static func stripBrackets(_ host: String) -> String {
        if host.hasPrefix("["), host.hasSuffix("]") { String(host.dropFirst().dropLast()) } else { host }
    }
}
