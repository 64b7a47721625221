import Foundation
import MailTransport
import NIOCore
import Testing

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

    @Test func connectsOverIPv6Loopback() async throws {
        guard let server = try? await ScriptedServer.start(host: "::1", behaviour: .echo(greeting: "hi\r\n")) else {
            return  // no IPv6 on this host
        }
        defer { Task { await server.stop() } }
        let connection = try await MailConnection.connect(host: "[::1]", port: server.port, security: .plain)
        #expect(try await readText(connection, count: 4) == "hi\r\n")
        await connection.close()
    }

    @Test func refusedConnectionIsReported() async throws {
        // A port that was just free; parallel tests may grab it again, so retry a few times.
        for _ in 0..<5 {
            let server = try await ScriptedServer.start(behaviour: .silent)
            let port = server.port
            await server.stop()
            do {
                let connection = try await MailConnection.connect(host: "127.0.0.1", port: port, security: .plain)
                await connection.close()
            } catch {
                #expect(error == .connectionRefused(host: "127.0.0.1", port: port))
                #expect(error.userMessage.contains("connection refused"))
                return
            }
        }
        Issue.record("every closed port was reused before the test could connect")
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
        try await Task.sleep(for: .milliseconds(500))
        // Without backpressure the client would have swallowed everything by now.
        let sentWhileIdle = progress.value
        #expect(sentWhileIdle < total / 2)
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
