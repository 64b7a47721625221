import Foundation

/// A tiny blocking IMAP client over a plain TCP socket, enough for tests to check what a real server
/// serves: it sends whole commands and collects the untagged responses (literals included) up to the
/// tagged completion. Not a parser: tests pick the parts they need.
final class RawIMAPClient {
    struct Response {
        /// Untagged responses, each as its bytes with literals inline and the final CRLF removed.
        var untagged: [[UInt8]]
        var tagged: String

        var lines: [String] { untagged.map { String(decoding: $0, as: UTF8.self) } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var tagCounter = 0

    init(port: Int, timeoutSeconds: Int = 20) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw Failure(description: "connect to port \(port): errno \(errno)")
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = try readLine()  // greeting
    }

    deinit { close(descriptor) }

    /// Sends `TAG command` and returns the responses; throws unless the server answers OK.
    @discardableResult
    func command(_ text: String) throws -> Response {
        tagCounter += 1
        let tag = "T\(tagCounter)"
        try send(Array("\(tag) \(text)\r\n".utf8))
        var untagged: [[UInt8]] = []
        while true {
            let line = try readResponse()
            let text = String(decoding: line.prefix(200), as: UTF8.self)
            if text.hasPrefix(tag + " ") {
                guard text.hasPrefix(tag + " OK") else { throw Failure(description: text) }
                return Response(untagged: untagged, tagged: text)
            }
            untagged.append(line)
        }
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(description: "write: errno \(errno)") }
            offset += written
        }
    }

    /// One response: a line, and for each line ending in `{n}` the literal and the rest after it.
    private func readResponse() throws -> [UInt8] {
        var response: [UInt8] = []
        while true {
            let line = try readLine()
            response += line
            guard let count = Self.literalLength(line) else { return response }
            response += Array("\r\n".utf8)
            response += try readBytes(count)
        }
    }

    private static func literalLength(_ line: [UInt8]) -> Int? {
        guard line.last == UInt8(ascii: "}"), let open = line.lastIndex(of: UInt8(ascii: "{")) else { return nil }
        return Int(String(decoding: line[(open + 1)..<(line.count - 1)], as: UTF8.self))
    }

    private func readLine() throws -> [UInt8] {
        while true {
            if let lf = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<lf])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                buffer.removeFirst(lf + 1)
                return line
            }
            try fill()
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw Failure(description: "connection closed or timed out (errno \(errno))") }
        buffer += chunk[..<count]
    }
}
