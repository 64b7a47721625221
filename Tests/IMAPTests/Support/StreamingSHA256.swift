import Foundation
import NIOCore
import TestSupport

/// SHA-256 of a byte stream, computed incrementally by `openssl dgst` fed through a pipe,
/// so that neither side of a large-message test holds the message.
final class StreamingSHA256: @unchecked Sendable {  // used from one task at a time
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "dgst", "-sha256", "-r"]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    func update(_ buffer: ByteBuffer) throws {
        try input.fileHandleForWriting.write(contentsOf: Data(buffer.readableBytesView))
    }

    /// The hex digest; ends the process.
    func finish() throws -> String {
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        _ = process.waitForEnd()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}

/// Peak resident memory of this test process, from /proc/self/status.
enum PeakMemory {
    static var vmHWM: String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM") }.map {
            $0.replacingOccurrences(of: "\t", with: " ")
        } ?? "VmHWM unknown"
    }
}
