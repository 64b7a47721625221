#if os(Linux)
    import Foundation

    #if canImport(Glibc)
        import Glibc
    #endif

    /// A TCP port on 127.0.0.1 that accepts connections (the kernel completes the handshake) but never
    /// says a word: a client waits for the server greeting until its timeout. Close it when done.
    final class SilentListener {
        let port: Int
        private let descriptor: Int32

        init() throws {
            #if os(Linux)
                // Close-on-exec: a program the test starts (a tmux server) must not keep it listening.
                let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            #else
                let socketType = SOCK_STREAM
            #endif
            let descriptor = socket(AF_INET, socketType, 0)
            self.descriptor = descriptor
            guard descriptor >= 0 else { throw ListenerError.failed("socket") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0, listen(descriptor, 16) == 0 else {
                _ = Glibc.close(descriptor)
                throw ListenerError.failed("bind/listen")
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard named == 0 else {
                _ = Glibc.close(descriptor)
                throw ListenerError.failed("getsockname")
            }
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        private var closed = false

        /// Accepts the connections waiting and resets them (SO_LINGER 0), then stops listening: every
        /// client waiting for a greeting sees its connection reset, later ones are refused.
        func resetAndClose() {
            guard !closed else { return }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            while true {
                let connection = accept(descriptor, nil, nil)
                if connection < 0 { break }
                var option = linger(l_onoff: 1, l_linger: 0)
                _ = setsockopt(connection, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
                _ = Glibc.close(connection)
            }
            close()
        }

        /// Stops listening; connections waiting to be accepted are reset. Only the first call closes.
        func close() {
            guard !closed else { return }
            closed = true
            _ = Glibc.close(descriptor)
        }

        enum ListenerError: Error { case failed(String) }
    }
#endif
