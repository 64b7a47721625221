#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// `status --watch` while `apply` runs in another process: on a real terminal (tmux) the table is
    /// redrawn in place, through a pipe only changed rows are printed; rows change state live and the
    /// command ends by itself when the run does. The source (plain IMAP) accepts connections but never greets, so
    /// alice stays "running" until the test resets her connection and closes the listener: the test,
    /// not the machine's speed, decides when the state changes.
    @Suite(.serialized) struct StatusWatchTerminalTests {
        /// An apply of alice then bob against the silent source; returns once alice has started.
        /// - Parameter extraUsers: users of the users file that this apply does not run (more rows).
        static func startApply(extraUsers: Int = 0) async throws -> (Process, JobFixture, SilentListener) {
            let listener = try SilentListener()
            // Plain IMAP: the wait for a greeting is bounded by `timeout` (10 minutes here), where a TLS
            // handshake would be cut at 30 s, which a loaded machine can reach before the first redraw.
            let job =
                JobFixture.unreachableJob
                .replacingOccurrences(of: "protocol: imap4s", with: "protocol: imap4")
                .replacingOccurrences(
                    of: "ports: { imap4s: 1 }", with: "ports: { imap4: \(listener.port) }\n  timeout: 600s")
                + "options:\n  concurrency: 1\n  retries: 0\n"
            let extra = (0..<extraUsers).map { "user\($0),pw-\($0)\n" }.joined()
            let fixture = try JobFixture(job: job, users: JobFixture.validUsers + extra)
            let apply = Process()
            apply.executableURL = try MailferryBinary.locate().url
            apply.arguments = ["apply", "--user", "alice", "--user", "bob", fixture.jobPath]
            apply.environment = ProcessInfo.processInfo.environment.merging(JobFixture.environment) { _, new in new }
            apply.standardOutput = FileHandle.nullDevice
            apply.standardError = FileHandle.nullDevice
            try apply.run()
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: fixture.stateDirectory + "/logs/alice.log"), Date() < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            return (apply, fixture, listener)
        }

        static func cleanUp(_ apply: Process, _ fixture: JobFixture, _ listener: SilentListener) {
            if apply.isRunning { kill(apply.processIdentifier, SIGKILL) }
            listener.close()
            fixture.remove()
        }

        /// Polls `read` every 50 ms until `done` holds for what it returned, for at most two minutes.
        static func poll(_ read: () throws -> String, until done: (String) -> Bool) async throws -> String {
            let deadline = Date().addingTimeInterval(120)
            var text = try read()
            while !done(text), Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
                text = try read()
            }
            return text
        }

        /// 63 users in a 50-line window: the first rows are shown, with a note for the rest.
        @Test func watchFollowsARunningApplyAndEndsWithIt() async throws {
            let (apply, fixture, listener) = try await Self.startApply(extraUsers: 60)
            defer { Self.cleanUp(apply, fixture, listener) }
            let binary = try MailferryBinary.locate()
            let tmux = Tmux()
            defer { tmux.kill() }
            let command =
                "\(TerminalRun.quoted(binary.url.path)) status --watch 0.2 \(TerminalRun.quoted(fixture.jobPath)); echo WATCH-ENDED; sleep 120"
            try tmux.start(command)

            let running = try await Self.poll(tmux.capture) { Self.state(of: "alice", on: $0) == "running" }
            #expect(Self.state(of: "alice", on: running) == "running", "\(running)")
            #expect(Self.state(of: "bob", on: running) == "not started", "\(running)")
            #expect(running.contains("Watching every 0.2 s; Ctrl-C to stop."))
            #expect(running.contains(" more users below (the summary counts them all)"), "\(running)")
            #expect(running.contains("63 users: 1 running, 62 not started;"), "\(running)")
            #expect(running.components(separatedBy: "Status of job").count == 2, "\(running)")
            listener.resetAndClose()  // alice's connection is reset, bob's refused: both fail, the run ends
            let ended = try await Self.poll(tmux.capture) { $0.contains("WATCH-ENDED") }
            #expect(ended.contains("WATCH-ENDED"), "status --watch did not end with the run:\n\(ended)")
            #expect(
                Self.state(of: "alice", on: ended) == "failed" && Self.state(of: "bob", on: ended) == "failed",
                "\(ended)")
            // Redrawn in place: one table on the screen, not one per refresh.
            #expect(ended.components(separatedBy: "SOURCE USER").count == 2, "\(ended)")
            #expect(ended.contains("No user is running."))
            #expect(apply.waitForEnd() == .exited(3))
        }

        /// Not on a terminal: the table once, then a line per row whose state changed, then the summary.
        @Test func withoutATerminalOnlyChangedRowsArePrinted() async throws {
            let (apply, fixture, listener) = try await Self.startApply()
            defer { Self.cleanUp(apply, fixture, listener) }
            let output = fixture.path("watch.out")
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let watch = Process()
            watch.executableURL = try MailferryBinary.locate().url
            watch.arguments = ["status", "--watch", "0.2", fixture.jobPath]
            watch.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            watch.standardError = FileHandle.nullDevice
            try watch.run()
            defer { if watch.isRunning { kill(watch.processIdentifier, SIGKILL) } }
            let read = { try String(contentsOfFile: output, encoding: .utf8) }

            _ = try await Self.poll(read) { Self.state(of: "alice", on: $0) == "running" }
            listener.resetAndClose()
            _ = try await Self.poll({ watch.hasEnded ? "ended" : "" }) { $0 == "ended" }
            #expect(watch.hasEnded, "status --watch did not end with the run")
            #expect(watch.waitForEnd() == .exited(0))
            let text = try read()
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.filter { $0.hasPrefix("Status of job") }.count == 1, "\(text)")
            let alice = lines.compactMap { $0.hasPrefix("alice ") ? Self.state(of: "alice", on: $0) : nil }
            let bob = lines.compactMap { $0.hasPrefix("bob ") ? Self.state(of: "bob", on: $0) : nil }
            #expect(alice == ["running", "failed"], "\(text)")
            #expect(bob.first == "not started" && bob.last == "failed" && Set(bob).count == bob.count, "\(text)")
            #expect(lines.last?.hasPrefix("3 users: ") == true, "\(text)")
            _ = apply.waitForEnd()
        }

        /// The STATE column of `user`'s row on a captured screen (its last such row).
        static func state(of user: String, on screen: String) -> String? {
            var found: String?
            for line in screen.split(separator: "\n") where line.hasPrefix(user + " ") {
                for state in ["not started", "running", "failed", "done", "partial", "interrupted"]
                where line.contains("  \(state)  ") {
                    found = state
                }
            }
            return found
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
                let result = try DovecotServer.runCleanly(
                    "/usr/bin/tmux", ["-L", socket] + arguments, environment: environment)
                return (result.status, result.output)
            }
        }
    }
#endif
