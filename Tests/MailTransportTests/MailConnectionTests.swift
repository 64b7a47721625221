import Foundation
import MailTransport
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("MailConnection over a local server")
struct MailConnectionTests {
    /// Reads until `count` bytes or end of stream.
    private func readText(_ connection: MailConnection, count: Int) async throws -> String {
        var collected = ByteBuffer()
        while collected.readableBytes < count, var chunk = try await connection.read() {
            collected.writeBuffer(&chunk)
        }
        return String(buffer: collected)
    }

    @Test func plainConnectionReadsWritesAndSeesEndOfStream() async throws {
        let server = try await ScriptedServer.start(behaviour: .echo(greeting: "* OK hello\r\n"))
        defer { Task { await server.stop() } }
        let connection = try await MailConnection.connect(host: "127.0.0.1", port: server.port, security: .plain)
        #expect(try await readText(connection, count: 12) == "* OK hello\r\n")
        try await connection.write(contentsOf: [ByteBuffer(string: "a1 NOOP"), ByteBuffer(string: "\r\n")])
        #expect(try await readText(connection, count: 9) == "a1 NOOP\r\n")
        try await connection.write(ByteBuffer(string: "QUIT\r\n"))
        #expect(try await readText(connection, count: 5) == "BYE\r\n")
        #expect(try await connection.read() == nil)
        #expect(await connection.isSecure == false)
        await connection.close()
    }

    /// Whether a socket can be bound to ::1 here; without it the IPv6 test is reported as skipped.
    static var ipv6LoopbackAvailable: Bool {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }

    @Test(.enabled(if: MailConnectionTests.ipv6LoopbackAvailable, "this host has no ::1 (IPv6 loopback)"))
    func connectsOverIPv6Loopback() async throws {
        let server = try await ScriptedServer.start(host: "::1", behaviour: .echo(greeting: "hi\r\n"))
        defer { Task { await server.stop() } }
        let connection = try await MailConnection.connect(host: "[::1]", port: server.port, security: .plain)
        #expect(try await readText(connection, count: 4) == "hi\r\n")
        await connection.close()
    }

    @Test func refusedConnectionIsReported() async throws {
        // A socket bound to a port but not listening holds the port, so nothing else can take it
        // (a port merely closed again could be reused by a parallel test), and connects are refused.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(holder >= 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(holder, generic, length) == 0 && getsockname(holder, generic, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        await #expect {
            _ = try await MailConnection.connect(host: "127.0.0.1", port: port, security: .plain)
        } throws: { error in
            guard let error = error as? TransportError else { return false }
            return error == .connectionRefused(host: "127.0.0.1", port: port)
                && error.userMessage.contains("connection refused")
        }
    }

    @Test func unknownHostIsNameNotFound() async throws {
        await #expect(throws: TransportError.nameNotFound(host: "no-such-host.invalid")) {
            _ = try await MailConnection.connect(host: "no-such-host.invalid", port: 143, security: .plain)
        }
    }

    @Test func silentServerTimesOutDuringRead() async throws {
        let server = try await ScriptedServer.start(behaviour: .silent)
        defer { Task { await server.stop() } }
        let connection = try await MailConnection.connect(
            host: "127.0.0.1", port: server.port, security: .plain,
            timeouts: TransportTimeouts(connect: .seconds(5), idle: .milliseconds(200)))
        await #expect(throws: TransportError.timedOut(.read)) { _ = try await connection.read() }
        // The connection is unusable afterwards and says why.
        await #expect(throws: TransportError.timedOut(.read)) { _ = try await connection.read() }
        #expect(TransportError.timedOut(.read).userMessage.contains("timed out during read"))
    }

    @Test func commandDeadlineIsDistinctFromIdleTimeout() async throws {
        let server = try await ScriptedServer.start(behaviour: .silent)
        defer { Task { await server.stop() } }
        let connection = try await MailConnection.connect(host: "127.0.0.1", port: server.port, security: .plain)
        await #expect(throws: TransportError.timedOut(.command)) {
            _ = try await connection.read(deadline: .now() + .milliseconds(150))
        }
    }

    @Test func slowReaderAppliesBackpressureToTheSocket() async throws {
        let total = 96 * 1024 * 1024
        let progress = ByteCounter()
        let server = try await ScriptedServer.start(behaviour: .flood(count: total, progress: progress))
        defer { Task { await server.stop() } }
        let connection = try await MailConnection.connect(
            host: "127.0.0.1", port: server.port, security: .plain, receiveBufferLimit: 64 * 1024)
        _ = try await connection.read()
        // While nobody reads, the server's writes must come to a halt once the socket buffers and
        // the client's 64 KiB are full: wait until its count stops moving (or everything was sent,
        // which only a client without backpressure allows). No timed bound: a slow machine only
        // takes longer to get there.
        var sentWhileIdle = progress.value
        var unchangedPolls = 0
        while unchangedPolls < 10, sentWhileIdle < total {
            try await Task.sleep(for: .milliseconds(20))
            let now = progress.value
            unchangedPolls = now == sentWhileIdle ? unchangedPolls + 1 : 0
            sentWhileIdle = now
        }
        #expect(
            sentWhileIdle < total / 2,
            "the server sent \(sentWhileIdle) of \(total) bytes while the client read nothing")
        var received = 0
        while let chunk = try await connection.read() {
            received += chunk.readableBytes
            if received >= total - 64 * 1024 { break }
        }
        #expect(received >= total - 64 * 1024)
        await connection.close()
    }

    @Test func errorMessagesTellTheAdminWhatToDo() {
        let tls = TransportError.tlsVerificationFailed(host: "mail.example", reason: "the certificate is not trusted")
        #expect(tls.userMessage.contains("ca_file"))
        #expect(tls.userMessage.contains("verify: false"))
        #expect(TransportError.disconnected.userMessage.contains("socket disconnected"))
        #expect(TransportError.nameNotFound(host: "x.invalid").userMessage.contains("not found"))
    }
}
