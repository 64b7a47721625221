// The Dovecot fixture itself: it starts, greets on every port, accepts new users, and stops.
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("DovecotServer fixture")
struct DovecotServerTests {
    @Test("start greets on IMAP and POP3, stop ends the master process")
    func startGreetStop() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alicepw")]))
        let imapGreeting = try RawLineClient.firstLine(port: server.imapPort)
        let pop3Greeting = try RawLineClient.firstLine(port: server.pop3Port)
        #expect(imapGreeting.hasPrefix("* OK"))
        #expect(pop3Greeting.hasPrefix("+OK"))
        #expect(FileManager.default.fileExists(atPath: server.caFile))
        #expect(FileManager.default.fileExists(atPath: server.mailDirectory(for: "alice") + "/new"))
        #expect(server.isRunning)

        await server.stop()
        #expect(!server.isRunning)
        #expect(!FileManager.default.fileExists(atPath: server.directory))
        await server.stop()  // idempotent
    }

    @Test("an added user can log in without a restart; a wrong password is refused")
    func addUser() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alicepw")]))
        try server.addUser("carol", password: "carolpw")
        let replies = try RawLineClient.converse(
            port: server.pop3Port, commands: ["USER carol", "PASS carolpw", "QUIT"])
        #expect(replies.map { $0.hasPrefix("+OK") } == [true, true, true, true])
        let refused = try RawLineClient.converse(
            port: server.pop3Port, commands: ["USER carol", "PASS wrong", "QUIT"])
        #expect(refused[2].hasPrefix("-ERR [AUTH]"))
        await server.stop()
    }

    @Test("two servers run side by side on different ports")
    func twoServers() async throws {
        async let first = DovecotServer.start(.init(pop3: false))
        async let second = DovecotServer.start(.init(namespace: .courier))
        let servers = try await [first, second]
        #expect(servers[0].imapPort != servers[1].imapPort)
        #expect(servers[0].pop3Port == 0)
        #expect(try RawLineClient.firstLine(port: servers[1].imapPort).hasPrefix("* OK"))
        for server in servers { await server.stop() }
    }
}

/// A blocking line-based TCP client on 127.0.0.1, independent of the code under test.
enum RawLineClient {
    struct Failure: Error { var what: String }

    static func firstLine(port: Int) throws -> String {
        try converse(port: port, commands: [])[0]
    }

    /// Reads the greeting, then sends each command and reads one reply line.
    static func converse(port: Int, commands: [String]) throws -> [String] {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(what: "socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw Failure(what: "connect to port \(port)") }
        var pending: [UInt8] = []
        func readLine() throws -> String {
            while true {
                if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    return line.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(descriptor, &buffer, buffer.count)
                guard count > 0 else { throw Failure(what: "connection closed") }
                pending += buffer[..<count]
            }
        }
        var lines = [try readLine()]
        for command in commands {
            let bytes = Array((command + "\r\n").utf8)
            guard write(descriptor, bytes, bytes.count) == bytes.count else { throw Failure(what: "write") }
            lines.append(try readLine())
        }
        return lines
    }
}
