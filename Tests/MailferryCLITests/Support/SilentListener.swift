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
                let socketType = Int32(SOCK_STREAM.rawValue)
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

        func close() { _ = Glibc.close(descriptor) }

        enum ListenerError: Error { case failed(String) }
    }
#endif
