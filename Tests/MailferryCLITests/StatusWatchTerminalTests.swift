#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// `status --watch` on a real terminal (tmux) while `apply` runs in another process: the table is
    /// redrawn in place, rows change state live, and the command ends by itself when the run does.
    /// The source accepts connections but never greets, so each user stays "running" for the source
    /// timeout (2 s) and then fails: a window that does not depend on the machine's speed.
    @Suite(.serialized) struct StatusWatchTerminalTests {
        /// An apply of alice and bob, one after the other, each failing after the 2 s source timeout;
        /// returns once alice has started (her log exists).
        static func startSlowApply() async throws -> (Process, JobFixture, SilentListener) {
            let listener = try SilentListener()
            let job = JobFixture.unreachableJob
                .replacingOccurrences(of: "ports: { imap4s: 1 }", with: "ports: { imap4s: \(listener.port) }\n  timeout: 2s")
                + "options:\n  concurrency: 1\n  retries: 0\n"
            let fixture = try JobFixture(job: job)
            let apply = Process()
            apply.executableURL = try MailferryBinary.locate().url
            apply.arguments = ["apply", "--user", "alice", "--user", "bob", fixture.jobPath]
            apply.environment = ProcessInfo.processInfo.environment.merging(JobFixture.environment) { _, new in new }
            apply.standardOutput = FileHandle.nullDevice
            apply.standardError = FileHandle.nullDevice
            try apply.run()
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: fixture.stateDirectory + "/logs/alice.log"), Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            return (apply, fixture, listener)
        }

        static func cleanUp(_ apply: Process, _ fixture: JobFixture, _ listener: SilentListener) {
            if apply.isRunning { kill(apply.processIdentifier, SIGKILL) }
            listener.close()
            fixture.remove()
        }

        @Test func watchFollowsARunningApplyAndEndsWithIt() async throws {
            let (apply, fixture, listener) = try await Self.startSlowApply()
            defer { Self.cleanUp(apply, fixture, listener) }
            let binary = try MailferryBinary.locate()

            let tmux = Tmux()
            defer { tmux.kill() }
            let command = "\(TerminalRun.quoted(binary.url.path)) status --watch 0.2 \(TerminalRun.quoted(fixture.jobPath)); echo WATCH-ENDED; sleep 60"
            try tmux.start(command)
            var seen: [String: [String]] = ["alice": [], "bob": []]
            var screen = ""
            let end = Date().addingTimeInterval(60)
            while Date() < end {
                screen = try tmux.capture()
                for user in ["alice", "bob"] {
                    if let state = Self.state(of: user, on: screen), seen[user]?.last != state { seen[user]?.append(state) }
                }
                if screen.contains("WATCH-ENDED") { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(screen.contains("WATCH-ENDED"), "status --watch did not end with the run:\n\(screen)")
            #expect(seen["alice"]?.contains("running") == true && seen["alice"]?.last == "failed", "\(seen)")
            #expect(seen["bob"]?.contains("running") == true && seen["bob"]?.last == "failed", "\(seen)")
            #expect(seen["bob"]?.first == "not started" || seen["bob"]?.first == "running", "\(seen)")
            // Redrawn in place: one table on the screen, not one per refresh.
            #expect(screen.components(separatedBy: "Status of job").count == 2, "\(screen)")
            #expect(screen.contains("No user is running."))
            apply.waitUntilExit()
            #expect(apply.terminationStatus == 3)
        }

        /// Not on a terminal: the table once, then a line per row whose state changed, then the summary.
        @Test func withoutATerminalOnlyChangedRowsArePrinted() async throws {
            let (apply, fixture, listener) = try await Self.startSlowApply()
            defer { Self.cleanUp(apply, fixture, listener) }
            let watch = try MailferryBinary.locate().run(["status", "--watch", "0.2", fixture.jobPath])
            #expect(watch.status == 0, "\(watch.stderr)")
            let lines = watch.stdout.split(separator: "\n").map(String.init)
            #expect(lines.filter { $0.hasPrefix("Status of job") }.count == 1, "\(watch.stdout)")
            let alice = lines.compactMap { $0.hasPrefix("alice ") ? Self.state(of: "alice", on: $0) : nil }
            let bob = lines.compactMap { $0.hasPrefix("bob ") ? Self.state(of: "bob", on: $0) : nil }
            #expect(alice == ["running", "failed"], "\(watch.stdout)")
            #expect(bob.last == "failed" && bob.contains("running") && Set(bob).count == bob.count, "\(watch.stdout)")
            #expect(lines.last?.hasPrefix("3 users: ") == true, "\(watch.stdout)")
            apply.waitUntilExit()
        }

        /// The STATE column of `user`'s row on a captured screen.
        static func state(of user: String, on screen: String) -> String? {
            for line in screen.split(separator: "\n") where line.hasPrefix(user + " ") {
                for state in ["not started", "running", "failed", "done", "partial", "interrupted"]
                where line.contains("  \(state)  ") {
                    return state
                }
            }
            return nil
        }

        /// A tmux server of its own (private socket), one window 200x50.
        final class Tmux {
            let socket = "mailferry-test-\(UUID().uuidString.prefix(8))"

            func start(_ command: String) throws {
                let result = try run(["new-session", "-d", "-s", "watch", "-x", "200", "-y", "50", command])
                #expect(result.status == 0, "tmux: \(result.output)")
            }

            func capture() throws -> String { try run(["capture-pane", "-p", "-t", "watch"]).output }

            func kill() { _ = try? run(["kill-server"]) }

            /// Through a clean signal mask: a tmux server inheriting the test runner's blocked signals dies.
            private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
                var environment = ProcessInfo.processInfo.environment
                environment.removeValue(forKey: "NO_COLOR")
                environment.removeValue(forKey: "TMUX")
                environment["TERM"] = "xterm-256color"
                let result = try DovecotServer.runCleanly("/usr/bin/tmux", ["-L", socket] + arguments, environment: environment)
                return (result.status, result.output)
            }
        }
    }
#endif
