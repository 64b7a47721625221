// A plaintext IMAP proxy that answers like a throttling server, for tests of throttle handling.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sits between a client and a real IMAP server on a plaintext port and plays one `Act` per
/// connection, in order (connections beyond the list pass cleanly): a BYE greeting instead of the
/// server's, or a tagged NO instead of forwarding the first command that contains a text.
/// Counts connections, so tests can tell that a throttled client did not storm the server.
public final class ThrottleProxy: @unchecked Sendable {
    public enum Act: Sendable, Equatable {
        case pass
        /// `* BYE <text>` as the greeting, then close, as a server over its connection limit does.
        case byeGreeting(String)
        /// `<tag> NO <text>` to the first command containing `containing` (e.g. "BODY.PEEK[]"); the
        /// command is not forwarded and the connection goes on.
        case refuse(containing: String, text: String)
    }

    public let targetPort: Int
    public private(set) var port = 0
    private let acts: [Act]
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var stopped = false
    private var connectionCount = 0
    private let threads = DispatchGroup()

    private init(targetPort: Int, acts: [Act]) {
        self.targetPort = targetPort
        self.acts = acts
    }

    deinit { stop() }

    public static func start(targetPort: Int, acts: [Act]) throws -> ThrottleProxy {
        let proxy = ThrottleProxy(targetPort: targetPort, acts: acts)
        try proxy.openListener()
        return proxy
    }

    public var connections: Int { lock.withLock { connectionCount } }

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

    private var isStopped: Bool { lock.withLock { stopped } }

    private func openListener() throws {
        let (fd, port) = try FaultProxy.listening(on: "127.0.0.1")
        self.port = port
        listener = fd
        threads.enter()
        Thread { [self] in
            acceptLoop(fd)
            threads.leave()
        }.start()
    }

    private func acceptLoop(_ listenFD: Int32) {
        FaultProxy.accepting(on: listenFD, until: { isStopped }) { client in
            let act: Act = lock.withLock {
                connectionCount += 1
                return connectionCount <= acts.count ? acts[connectionCount - 1] : .pass
            }
            threads.enter()
            Thread { [self] in
                serve(client: client, act: act)
                close(client)
                threads.leave()
            }.start()
        }
    }

    private func serve(client: Int32, act: Act) {
        if case .byeGreeting(let text) = act {
            send(client, "* BYE \(text)\r\n")
            return
        }
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard server >= 0 else { return }
        defer { close(server) }
        let address = FaultProxy.address("127.0.0.1", port: targetPort)
        let connected = withUnsafePointer(to: address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return }
        var refusal: (command: String, text: String)?
        if case .refuse(let command, let text) = act { refusal = (command.uppercased(), text) }
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !isStopped {
            var descriptors = [
                pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                pollfd(fd: server, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&descriptors, 2, 100) >= 0 else { return }
            if descriptors[1].revents != 0 {
                let count = read(server, &buffer, buffer.count)
                guard count > 0, write(client, buffer, count) == count else { return }
            }
            if descriptors[0].revents != 0 {
                let count = read(client, &buffer, buffer.count)
                guard count > 0 else { return }
                guard refusal != nil else {
                    guard write(server, buffer, count) == count else { return }
                    continue
                }
                // Forward whole lines, holding back the one command to refuse.
                line += buffer[0..<count]
                while let end = line.firstIndex(of: 10) {
                    let command = Array(line[...end])
                    line.removeFirst(end + 1)
                    let text = String(decoding: command, as: UTF8.self)
                    let parts = text.split(separator: " ", maxSplits: 1)
                    if let refused = refusal, parts.count == 2, parts[1].uppercased().contains(refused.command) {
                        send(client, "\(parts[0]) NO \(refused.text)\r\n")
                        refusal = nil
                    } else if write(server, command, command.count) != command.count {
                        return
                    }
                }
                if refusal == nil, !line.isEmpty {
                    guard write(server, line, line.count) == line.count else { return }
                    line.removeAll()
                }
            }
        }
    }

    private func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = write(fd, bytes, bytes.count)
    }
}
