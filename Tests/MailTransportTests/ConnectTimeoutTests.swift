import Foundation
import MailTransport
import Testing

#if canImport(Glibc)
    import Glibc

    @Suite("MailConnection connect timeout")
    struct ConnectTimeoutTests {
        /// A listening socket that never accepts, with its backlog filled so that further SYNs are
        /// dropped by the kernel: a connect to it hangs like one to a black-holed host.
        private final class FullBacklogListener {
            let port: Int
            private var descriptors: [Int32] = []

            init() throws {
                let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let bound = withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                        bind(listener, pointer, length) == 0 && listen(listener, 0) == 0
                            && getsockname(listener, pointer, &length) == 0
                    }
                }
                guard bound else { throw POSIXError(.EADDRINUSE) }
                port = Int(UInt16(bigEndian: address.sin_port))
                descriptors.append(listener)
                // Fill the accept queue with connections nobody accepts.
                for _ in 0..<4 {
                    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                    _ = withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
                    }
                    descriptors.append(client)
                }
                usleep(100_000)
            }

            deinit {
                for descriptor in descriptors { close(descriptor) }
            }
        }

        /// The outcome is the typed timeout (not a refusal, not a connection); the time limit only
        /// guards against a hang and asserts nothing about speed.
        @Test(.timeLimit(.minutes(2))) func unansweredConnectTimesOut() async throws {
            let listener = try FullBacklogListener()
            await #expect(throws: TransportError.timedOut(.connect)) {
                let connection = try await MailConnection.connect(
                    host: "127.0.0.1", port: listener.port, security: .plain,
                    timeouts: TransportTimeouts(connect: .milliseconds(300), idle: .seconds(5)))
                await connection.close()
            }
            withExtendedLifetime(listener) {}
        }
    }
#endif
