import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One client connection through the fault proxy: a poll() loop over both sockets that forwards
/// bytes, applies the connection's schedule at its byte offset, and ends when either side closes.
struct ProxiedConnection {
    private typealias Direction = FaultSchedule.Direction

    let proxy: FaultProxy
    let client: Int32
    let server: Int32
    let schedule: FaultSchedule

    private var toServer: [UInt8] = []
    private var toClient: [UInt8] = []
    private var forwardedToServer = 0
    private var forwardedToClient = 0
    private var triggered = false
    private var closing = false
    private var stalled = false
    private var stallDeadline = ContinuousClock.now
    private var peerClosed = false
    private var commands = ClientCommandTracker()
    private var serverLine: [UInt8] = []

    /// Bytes buffered towards one side before the other side is no longer read (backpressure).
    private static let bufferLimit = 256 * 1024
    /// Linux POLLRDHUP: the peer shut down its sending side (seen without reading).
    private static let pollReadHangUp: Int16 = 0x2000
    /// TCP_NODELAY (netinet/tcp.h): forward small writes at once, no delayed-ACK stalls.
    private static let tcpNoDelay: Int32 = 1

    init(proxy: FaultProxy, client: Int32, server: Int32, schedule: FaultSchedule) {
        self.proxy = proxy
        self.client = client
        self.server = server
        self.schedule = schedule
        for fd in [client, server] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), Self.tcpNoDelay, &one, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    mutating func run() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !proxy.isStopped {
            if stalled {
                // Forward nothing; end when the client gives up (or after the stall limit).
                var descriptor = pollfd(fd: client, events: Self.pollReadHangUp, revents: 0)
                if poll(&descriptor, 1, 100) > 0 || ContinuousClock.now >= stallDeadline { return }
                continue
            }
            if (closing || peerClosed) && toServer.isEmpty && toClient.isEmpty { return }
            let readable = !closing && !peerClosed
            var descriptors = [
                pollfd(
                    fd: client,
                    events: Int16(readable && toServer.count < Self.bufferLimit ? POLLIN : 0)
                        | Int16(toClient.isEmpty ? 0 : POLLOUT), revents: 0),
                pollfd(
                    fd: server,
                    events: Int16(readable && toClient.count < Self.bufferLimit ? POLLIN : 0)
                        | Int16(toServer.isEmpty ? 0 : POLLOUT), revents: 0),
            ]
            guard poll(&descriptors, 2, 100) >= 0 else { return }
            if descriptors[0].revents & Int16(POLLOUT) != 0, !Self.flush(&toClient, to: client) { return }
            if descriptors[1].revents & Int16(POLLOUT) != 0, !Self.flush(&toServer, to: server) { return }
            for (index, direction) in [(0, Direction.clientToServer), (1, Direction.serverToClient)] {
                let events = descriptors[index].revents
                guard events & Int16(POLLIN | POLLHUP | POLLERR) != 0, !closing, !stalled, !peerClosed else { continue }
                let count = recv(descriptors[index].fd, &buffer, buffer.count, 0)
                if count <= 0 {
                    if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { peerClosed = true }
                    continue
                }
                admit(buffer[0..<count], direction: direction)
            }
        }
    }

    /// Takes bytes read from one side, applies the schedule, and queues what may pass.
    private mutating func admit(_ chunk: ArraySlice<UInt8>, direction: Direction) {
        var passing = chunk
        var fault: FaultSchedule?
        if !triggered, schedule != .clean {
            let (scheduled, after) = Self.trigger(of: schedule)
            let forwarded = direction == .clientToServer ? forwardedToServer : forwardedToClient
            if scheduled == direction, forwarded + chunk.count >= after {
                triggered = true
                fault = schedule
                passing = chunk.prefix(max(0, after - forwarded))
            }
        }
        if case .delay? = fault {
            // The delay pauses the stream at its offset, then everything is forwarded.
            queue(chunk.prefix(passing.count), direction: direction)
            _ = Self.flush(&toServer, to: server)
            _ = Self.flush(&toClient, to: client)
            proxy.record(.delay)
            if case .delay(_, _, let milliseconds) = schedule { usleep(useconds_t(milliseconds * 1000)) }
            queue(chunk.dropFirst(passing.count), direction: direction)
            return
        }
        queue(passing, direction: direction)
        switch fault {
        case .cut?:
            closing = true
            proxy.record(classifyCut(direction))
        case .stall?:
            stalled = true
            stallDeadline = ContinuousClock.now + proxy.configuration.stallLimit
            _ = Self.flush(&toServer, to: server)
            _ = Self.flush(&toClient, to: client)
            proxy.record(.stall)
        default:
            break
        }
    }

    private mutating func queue(_ bytes: ArraySlice<UInt8>, direction: Direction) {
        guard !bytes.isEmpty else { return }
        switch direction {
        case .clientToServer:
            proxy.capture(bytes)
            commands.feed(bytes)
            toServer += bytes
            forwardedToServer += bytes.count
        case .serverToClient:
            forwardedToClient += bytes.count
            proxy.countFromServer(bytes.count)
            if proxy.configuration.stripSTARTTLS {
                stripSTARTTLS(bytes)
            } else {
                toClient += bytes
            }
        }
    }

    /// The downgrade attacker: server lines pass whole, without STARTTLS in any capability list.
    private mutating func stripSTARTTLS(_ bytes: ArraySlice<UInt8>) {
        for byte in bytes {
            serverLine.append(byte)
            guard byte == UInt8(ascii: "\n") || serverLine.count > 1 << 16 else { continue }
            defer { serverLine = [] }
            let line = String(decoding: serverLine, as: UTF8.self)
            if line == "STLS\r\n" { continue }  // POP3 CAPA lists it on a line of its own
            toClient +=
                line.uppercased().contains("CAPABILITY")
                ? Array(line.replacingOccurrences(of: " STARTTLS", with: "").utf8) : serverLine
        }
    }

    private func classifyCut(_ direction: Direction) -> FaultKind {
        guard commands.plaintext else { return .cutElsewhere }
        if direction == .clientToServer, commands.inAppendLiteral { return .cutInAppendLiteral }
        if !commands.authenticated { return .cutDuringLogin }
        if direction == .serverToClient, commands.verb == "FETCH" { return .cutInFetch }
        return .cutElsewhere
    }

    private static func trigger(of schedule: FaultSchedule) -> (Direction?, Int) {
        switch schedule {
        case .clean: (nil, .max)
        case .cut(let direction, let after), .stall(let direction, let after), .delay(let direction, let after, _):
            (direction, after)
        }
    }

    /// Writes what the socket takes now; false when the peer is gone.
    private static func flush(_ pending: inout [UInt8], to fd: Int32) -> Bool {
        while !pending.isEmpty {
            let written = pending.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                pending.removeFirst(written)
            } else if written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                return true
            } else {
                return false
            }
        }
        return true
    }
}
