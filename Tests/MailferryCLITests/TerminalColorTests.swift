import Foundation
import Testing

#if os(Linux)
/// Colors appear on a terminal only, and never with NO_COLOR: run through util-linux `script`,
/// which gives the child a pseudo-terminal (BSD `script` on macOS takes other options).
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script"))
struct TerminalColorTests {
    private func runOnTerminal(_ command: String, environment: [String: String]) throws -> String {
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
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test func diagnosticsAreColoredOnATerminalUnlessNoColorIsSet() throws {
        let fixture = try JobFixture(job: ValidateCommandTests.brokenJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let command = "\(quoted(binary.url.path)) validate \(quoted(fixture.jobPath))"
        let colored = try runOnTerminal(command, environment: [:])
        #expect(colored.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        let plain = try runOnTerminal(command, environment: ["NO_COLOR": "1"])
        #expect(plain.contains(": error: "))
        #expect(!plain.contains("\u{1B}["))
    }
}
#endif
