// A fault-injecting TCP proxy between a client under test and a real server, for soak and
// downgrade tests. Plain POSIX sockets and poll() on threads: TestSupport stays free of NIO.
// Linux only (POLLRDHUP, MSG_NOSIGNAL), like the Dovecot servers it sits in front of.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Listens on a loopback port and forwards raw bytes to `target`. Each accepted connection gets a
/// `FaultSchedule` drawn from the seed and the connection's number, so a failing run replays with
/// the same seed: cut after N bytes in one direction, stall (stop forwarding, keep the sockets open
/// until the client gives up), a single delay, or a clean pass. TLS passes through untouched.
///
/// On a plaintext IMAP link the proxy follows the client's commands, which lets it say where a cut
/// landed (during login, inside a FETCH response, inside an APPEND literal) and lets it act as a
/// downgrade attacker that strips `STARTTLS` from the server's capabilities.
public final class FaultProxy: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Seed of every connection's schedule.
        public var seed: UInt64
        /// Share of connections (0...100) that get a fault.
        public var faultPercent: Int
        /// Cut and stall points are drawn log-uniformly between these byte offsets.
        public var minFaultOffset: Int
        public var maxFaultOffset: Int
        /// Delays last up to this long (keep it below the client's idle timeout).
        public var maxDelay: Duration
        /// A stalled connection is closed after this long if the client never gives up.
        public var stallLimit: Duration
        /// Remove `STARTTLS` from every server CAPABILITY (plaintext port only).
        public var stripSTARTTLS: Bool
        /// Keep the first bytes the client sent (across all connections), for assertions.
        public var captureLimit: Int
        /// Reset (RST, before any byte) a new connection while this many are open, as servers that
        /// cap connections do; nil forwards every connection.
        public var capacity: Int?
        /// With `capacity`: hold each accepted connection (no byte forwarded) until the first refusal, or
        /// this long, so that a test sees the client reach past the capacity however slowly its
        /// connections start; nil forwards at once.
        public var holdUntilRefusal: Duration?

        public init(
            seed: UInt64 = 1, faultPercent: Int = 0, minFaultOffset: Int = 1, maxFaultOffset: Int = 1 << 21,
            maxDelay: Duration = .milliseconds(800), stallLimit: Duration = .seconds(60), stripSTARTTLS: Bool = false,
            captureLimit: Int = 1 << 16, capacity: Int? = nil, holdUntilRefusal: Duration? = nil
        ) {
            self.seed = seed
            self.faultPercent = faultPercent
            self.minFaultOffset = minFaultOffset
            self.maxFaultOffset = maxFaultOffset
            self.maxDelay = maxDelay
            self.stallLimit = stallLimit
            self.stripSTARTTLS = stripSTARTTLS
            self.captureLimit = captureLimit
            self.capacity = capacity
            self.holdUntilRefusal = holdUntilRefusal
        }
    }

    public let targetHost: String
    public let targetPort: Int
    public let listenHost: String
    public private(set) var port: Int = 0
    public let configuration: Configuration

    private let lock = NSLock()
    private var listener: Int32 = -1
    private var stopped = false
    private var enabled = true
    private var connectionCount = 0
    /// Client sockets being served, to count the connections a client holds open at once.
    private var liveClients: Set<Int32> = []
    private var openPeak = 0
    private var refused = 0
    private var fromServer = 0
    /// After the first refusal: the most connections open at once, counting each new one (refused or not).
    private var attemptPeak = 0
    private var injected: [FaultKind: Int] = [:]
    private var captured: [UInt8] = []
    private let threads = DispatchGroup()

    private init(targetHost: String, targetPort: Int, listenHost: String, configuration: Configuration) {
        self.targetHost = targetHost
        self.targetPort = targetPort
        self.listenHost = listenHost
        self.configuration = configuration
    }

    deinit { stop() }

    /// Starts listening on `listenHost` (any 127.x.y.z works on Linux) at a free port.
    public static func start(
        targetHost: String = "127.0.0.1", targetPort: Int, listenHost: String = "127.0.0.1",
        configuration: Configuration = Configuration()
    ) throws -> FaultProxy {
        let proxy = FaultProxy(
            targetHost: targetHost, targetPort: targetPort, listenHost: listenHost, configuration: configuration)
        try proxy.openListener()
        return proxy
    }

    // MARK: - Observations

    /// Faults injected so far, by kind (a fault counts when its byte offset was reached).
    public var faults: [FaultKind: Int] { lock.withLock { injected } }
    /// Cuts and stalls: the faults that break a connection (delays do not).
    public var disruptiveFaults: Int { faults.filter { $0.key != .delay }.values.reduce(0, +) }
    public var connections: Int { lock.withLock { connectionCount } }
    /// Bytes the server sent through the proxy, over all connections.
    public var serverBytes: Int { lock.withLock { fromServer } }
    /// Connections reset because `capacity` were open.
    public var refusals: Int { lock.withLock { refused } }
    /// After the first refusal, the most connections clients tried to hold at once (the open ones
    /// and the new one, refused or not): at most `capacity` when the client keeps to what was accepted.
    public var peakAttemptsAfterFirstRefusal: Int { lock.withLock { attemptPeak } }
    /// The most connections clients held open at once: counted when a connection arrives, over the
    /// connections whose client has not hung up (a client that closed counts as gone at once, even
    /// while the proxy is still winding its side down).
    public var peakOpenConnections: Int { lock.withLock { openPeak } }
    /// The first `captureLimit` bytes clients sent, over all connections.
    public var clientBytes: [UInt8] { lock.withLock { captured } }

    /// Off: every new connection passes cleanly (for the final, fault-free run).
    public var faultsEnabled: Bool {
        get { lock.withLock { enabled } }
        set { lock.withLock { enabled = newValue } }
    }

    /// Closes the listener and every connection; waits for the threads (at most a few seconds).
    public func stop() {
        let fd: Int32 = lock.withLock {
            stopped = true
            let fd = listener
            listener = -1
            return fd
        }
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
        _ = threads.wait(timeout: .now() + 5)
    }

    var isStopped: Bool { lock.withLock { stopped } }

    func countFromServer(_ count: Int) { lock.withLock { fromServer += count } }

    func record(_ kind: FaultKind) { lock.withLock { injected[kind, default: 0] += 1 } }

    func capture(_ bytes: ArraySlice<UInt8>) {
        lock.withLock {
            let room = configuration.captureLimit - captured.count
            if room > 0 { captured += bytes.prefix(room) }
        }
    }

    // MARK: - Sockets

    /// A listening socket on `host` at a free port, and that port.
    static func listening(on host: String) throws -> (descriptor: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FaultProxyError.socket(call: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.address(host, port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            let error = errno
            close(fd)
            throw FaultProxyError.socket(call: "bind/listen", errno: error)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A loopback port that nothing listens on (bound for a moment, then closed): connections to it are refused.
    public static func closedPort() throws -> Int {
        let (fd, port) = try listening(on: "127.0.0.1")
        close(fd)
        return port
    }

    private func openListener() throws {
        let (fd, port) = try Self.listening(on: listenHost)
        self.port = port
        listener = fd
        threads.enter()
        Thread { [self] in
            acceptLoop(fd)
            threads.leave()
        }.start()
    }

    /// Accepts connections on `listenFD` until `stopped` holds (checked every 100 ms), each passed to
    /// `handle`; the accept loop of the test proxies.
    static func accepting(on listenFD: Int32, until stopped: () -> Bool, _ handle: (Int32) -> Void) {
        while !stopped() {
            var descriptor = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let client = accept(listenFD, nil, nil)
            if client >= 0 { handle(client) }
        }
    }

    private func acceptLoop(_ listenFD: Int32) {
        Self.accepting(on: listenFD, until: { isStopped }) { client in
            let admitted = lock.withLock { () -> (number: Int, faulty: Bool)? in
                connectionCount += 1
                liveClients = liveClients.filter { !Self.clientHungUp($0) }
                if refused > 0 { attemptPeak = max(attemptPeak, liveClients.count + 1) }
                if let capacity = configuration.capacity, liveClients.count >= capacity {
                    refused += 1
                    return nil
                }
                liveClients.insert(client)
                openPeak = max(openPeak, liveClients.count)
                return (connectionCount - 1, enabled)
            }
            guard let (number, faulty) = admitted else {
                Self.reset(client)
                return
            }
            let schedule =
                faulty ? FaultSchedule.draw(seed: configuration.seed, connection: number, configuration) : .clean
            threads.enter()
            Thread { [self] in
                serve(client: client, schedule: schedule)
                threads.leave()
            }.start()
        }
    }

    private func serve(client: Int32, schedule: FaultSchedule) {
        if let hold = configuration.holdUntilRefusal { waitForARefusal(atMost: hold) }
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let address = Self.address(targetHost, port: targetPort)
        var connected = false
        if server >= 0 {
            connected = withUnsafePointer(to: address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        }
        if connected {
            var link = ProxiedConnection(proxy: self, client: client, server: server, schedule: schedule)
            link.run()
        }
        if server >= 0 { close(server) }
        lock.withLock { _ = liveClients.remove(client) }
        close(client)
    }

    private func waitForARefusal(atMost limit: Duration) {
        let deadline = ContinuousClock.now + limit
        while lock.withLock({ refused == 0 && !stopped }) && ContinuousClock.now < deadline { usleep(10_000) }
    }

    /// Closes `descriptor` with a TCP reset instead of a FIN (SO_LINGER 0).
    private static func reset(_ descriptor: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(descriptor)
    }

    /// The client shut down its side (Linux POLLRDHUP) or the socket is gone.
    private static func clientHungUp(_ descriptor: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: 0x2000, revents: 0)
        return poll(&entry, 1, 0) > 0 && entry.revents & (0x2000 | Int16(POLLHUP) | Int16(POLLERR)) != 0
    }

    static func address(_ host: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        return address
    }
}

/// What the proxy did to a connection, as counted in `FaultProxy.faults`.
public enum FaultKind: String, CaseIterable, Sendable, Comparable {
    /// Cut before the session was authenticated (greeting, CAPABILITY, LOGIN/AUTHENTICATE).
    case cutDuringLogin = "cut during login"
    /// Cut in the server's answer to a FETCH (typically inside a message literal).
    case cutInFetch = "cut in FETCH"
    /// Cut while the client was sending an APPEND literal.
    case cutInAppendLiteral = "cut in APPEND literal"
    /// Any other cut (other commands, or TLS traffic the proxy cannot read).
    case cutElsewhere = "cut elsewhere"
    case stall
    case delay

    public static func < (a: FaultKind, b: FaultKind) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// Why the proxy could not start.
public enum FaultProxyError: Error, CustomStringConvertible {
    case socket(call: String, errno: Int32)

    public var description: String {
        switch self {
        case .socket(let call, let errno): "fault proxy: \(call) failed (errno \(errno))"
        }
    }
}
