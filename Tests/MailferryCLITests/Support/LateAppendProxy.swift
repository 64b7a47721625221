#if os(Linux)
    import Foundation
    import TestSupport

    /// `scripts/mailtools/late-append-proxy.py` in front of a Dovecot's plain IMAP port: a client
    /// killed right after sending a whole APPEND gets that APPEND stored 2 s late.
    final class LateAppendProxy {
        let process = Process()
        let port: Int

        struct StartFailure: Error, CustomStringConvertible {
            var description: String
        }

        init(targetPort: Int, lateMilliseconds: Int = 2000) throws {
            let portFile = NSTemporaryDirectory() + "late-append-proxy-\(UUID().uuidString).port"
            defer { try? FileManager.default.removeItem(atPath: portFile) }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", DovecotServer.repositoryRoot + "/scripts/mailtools/late-append-proxy.py", String(targetPort),
                "--late-ms", String(lateMilliseconds), "--port-file", portFile,
            ]
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Written once the proxy listens (renamed into place, so never half-written).
            for _ in 0..<200 {
                if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                    self.port = port
                    return
                }
                guard process.isRunning else { break }
                usleep(25_000)
            }
            kill(process.processIdentifier, SIGKILL)
            throw StartFailure(description: "late-append-proxy.py did not start listening within 5 s")
        }

        /// SIGKILL: a child of the test process may inherit a mask that blocks SIGTERM.
        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            _ = process.waitForEnd()
        }

        deinit { stop() }
    }
#endif
