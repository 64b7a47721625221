import Foundation
import TestSupport
import Testing

/// `Process.waitForEnd()`, which the tests use instead of `waitUntilExit()`.
@Suite struct ProcessEndTests {
    static func shell(_ script: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func exitCodesAndSignalsAreTold() throws {
        #expect(try Self.shell("exit 0").waitForEnd() == .exited(0))
        #expect(try Self.shell("exit 7").waitForEnd() == .exited(7))
        let killed = try Self.shell("kill -KILL $$")
        #expect(killed.waitForEnd() == .signalled(SIGKILL))
        #expect(ProcessEnd.signalled(SIGKILL).code == 137)
    }

    /// The hazard itself: a process the child left behind holds the socket through which Foundation
    /// learns of the child's end, so `waitUntilExit()` would wait until it ends (30 s here).
    @Test(arguments: [("exit 3", ProcessEnd.exited(3)), ("kill -KILL $$", .signalled(SIGKILL))])
    func aChildWhoseDescendantLivesOnIsSeenToEnd(ending: String, expected: ProcessEnd) throws {
        let pidFile = NSTemporaryDirectory() + "process-end-\(UUID().uuidString).pid"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let started = Date()
        let process = try Self.shell("sleep 30 & echo $! > '\(pidFile)'; \(ending)")
        let end = process.waitForEnd()
        let waited = Date().timeIntervalSince(started)
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let sleeper = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(sleeper, SIGKILL)
        }
        #expect(end == expected)
        #expect(waited < 20, "waited \(waited) s")
        #expect(process.hasEnded)
    }

    @Test func aRunningChildHasNotEnded() throws {
        let process = try Self.shell("sleep 30")
        #expect(!process.hasEnded)
        kill(process.processIdentifier, SIGKILL)
        #expect(process.waitForEnd() == .signalled(SIGKILL))
        #expect(process.hasEnded)
    }
}
