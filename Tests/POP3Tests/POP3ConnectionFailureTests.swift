import Foundation
import MailTransport
import NIOCore
import Testing

@testable import POP3

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Failures an admin meets before any POP3 is spoken: each must be a typed error, never a hang.
@Suite("POP3Client connection failures")
struct POP3ConnectionFailureTests {
    @Test("nothing listening: connection refused")
    func refused() async throws {
        // Bound but not listening: connections are refused, and no parallel test can take the port.
        let (descriptor, port) = try SilentListener.open(listening: false)
        defer { close(descriptor) }
        let error = await #expect(throws: POP3Error.self) {
            _ = try await POP3Client.connect(
                POP3ConnectionOptions(host: "127.0.0.1", port: port, security: .plain(stls: .optional)))
        }
        guard case .transport(.connectionRefused) = error else {
            Issue.record("expected connection refused, got \(String(describing: error))")
            return
        }
        #expect(error?.userMessage.contains("connection refused") == true)
    }

    @Test("a server that accepts but never greets: timed out during read")
    func silentServer() async throws {
        let (descriptor, port) = try SilentListener.open(listening: true)
        defer { close(descriptor) }
        let error = await #expect(throws: POP3Error.self) {
            _ = try await POP3Client.connect(
                POP3ConnectionOptions(
                    host: "127.0.0.1", port: port, security: .plain(stls: .optional),
                    timeouts: TransportTimeouts(connect: .seconds(5), idle: .milliseconds(300))))
        }
        #expect(error == .transport(.timedOut(.read)))
    }
}

/// A loopback TCP socket that the kernel accepts connections on (backlog) but that never speaks.
enum SilentListener {
    struct Failure: Error {}

    static func open(listening: Bool) throws -> (Int32, Int) {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard ready, !listening || listen(descriptor, 4) == 0 else {
            close(descriptor)
            throw Failure()
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
