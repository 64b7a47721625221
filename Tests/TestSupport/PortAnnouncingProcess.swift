// Test services that print "PORT <n>" once they listen (scripts/oauth2-token-service,
// scripts/mailtools/gmail-imap-server.py).
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts such a service and waits for its port; stops it by pid.
enum PortAnnouncingProcess {
    /// Spawns `executable` with `arguments`, its output in `outputFile`, and waits up to 10 s for
    /// its "PORT <n>" line. Blocks: call it from `onOwnThread`.
    static func start(_ executable: String, _ arguments: [String], outputFile: String, name: String) throws
        -> (pid: pid_t, port: Int)
    {
        let pid = try spawnWithCleanSignals(executable, arguments, outputPath: outputFile)
        for _ in 0..<200 {
            let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
                let port = Int(line.dropFirst(5))
            {
                return (pid, port)
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw DovecotServerError.startFailed(status: status, output: output, logTail: "")
            }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        throw DovecotServerError.startFailed(status: -1, output: "\(name) did not start in 10 s", logTail: "")
    }

    /// SIGTERM, then waits for it to end.
    static func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    }

    /// Runs blocking work on a thread of its own, not on one of the concurrency pool's few threads.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
