import Foundation
import TestSupport

/// Runs a shell command on a pseudo-terminal through util-linux `script` (Linux only), so that the
/// child sees a terminal on stdin, stdout and stderr; returns everything it wrote.
enum TerminalRun {
    /// Runs `command` to its end, off the cooperative pool (see offCooperativePool).
    static func run(_ command: String, environment: [String: String]) async throws -> String {
        try await offCooperativePool { try runBlocking(command, environment: environment) }
    }

    static func runBlocking(_ command: String, environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "NO_COLOR")
        merged.merge(environment) { _, new in new }
        process.environment = merged
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        _ = process.waitForEnd()
        return String(decoding: data, as: UTF8.self)
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
