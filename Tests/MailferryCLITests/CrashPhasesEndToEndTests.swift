#if os(Linux)
    import Foundation
    import Ledger
    import Synchronization
    import TestSupport
    import Testing

    /// The built binary killed with SIGKILL outside APPEND (`CrashResumeEndToEndTests` covers that):
    /// from inside, halfway through a source body, right after a CREATE, a SUBSCRIBE, a flag STORE
    /// and a journal commit (`MAILFERRY_TEST_KILL_AT=PHASE:N`, each kill announced on stderr just
    /// before it); and from outside at seeded random moments. Every kill is followed by an
    /// immediate restart, then one run to the end; the verdict is `scripts/compare-mailboxes.py`.
    @Suite(.serialized) struct CrashPhasesEndToEndTests {
        static let users = [("alice", "Phase-alice-pw-1"), ("bob", "Phase-bob-pw-2")]
        /// The outside kills need more to copy: a third user.
        static let threeUsers = users + [("carol", "Phase-carol-pw-3")]
        static let admin = ("admin", "Phase-admin-pw-0")

        @Test func killedInEveryPhaseThenRestartedAtOnce() async throws {
            try await Self.withServers { source, destination, fixture in
                let binary = try MailferryBinary.locate()
                let environment = [JobFixture.adminVariable: Self.admin.1]
                // A fresh destination: CREATE and SUBSCRIBE first, then FETCH and the commits.
                var run = 0
                for (phase, number) in [("create", 3), ("subscribe", 3), ("fetch", 4), ("commit", 2), ("fetch", 30)] {
                    run += 1
                    try Self.killedRun(
                        binary, fixture: fixture, environment: environment, run: run, phase: phase, number: number)
                }
                let copy = try await binary.run(["apply", fixture.jobPath], environment: environment)
                #expect(copy.status == 0, "\(copy.stdout)\(copy.stderr)")

                // Flags changed on the source: the next runs update them with STORE.
                var changed = 0
                for (user, _) in Self.users { changed += try Self.toggleFlagged(source, user: user, every: 4) }
                #expect(changed > 20)
                for number in [2, 5] {
                    run += 1
                    try Self.killedRun(
                        binary, fixture: fixture, environment: environment, run: run, phase: "store", number: number)
                }
                try await Self.finishAndJudge(binary, source: source, destination: destination, fixture: fixture)
            }
        }

        /// The journal commit on a server without MULTIAPPEND: one APPEND and one commit per message,
        /// so a kill right after the Nth commit finds at least N messages on the destination, and the
        /// restarts converge as with batches.
        @Test func killedAfterACommitOfASingleAppend() async throws {
            try await Self.withServers(multiappend: false) { source, destination, fixture in
                let binary = try MailferryBinary.locate()
                let environment = [JobFixture.adminVariable: Self.admin.1]
                let total = Self.users.count * 149
                for (run, number) in [(1, 3), (2, 60)] {
                    let before = Self.copied(destination)
                    try Self.killedRun(
                        binary, fixture: fixture, environment: environment, run: run, phase: "commit", number: number)
                    let after = Self.copied(destination)
                    #expect(after - before >= number && after < total, "run \(run): \(before) -> \(after) of \(total)")
                }
                try await Self.finishAndJudge(binary, source: source, destination: destination, fixture: fixture)
            }
        }

        /// SIGKILL from outside at seeded random moments (a failure repeats), on three users of 298
        /// messages (six of 1-3 MB) each: odd runs 20-400 ms after the start, even runs 2-50 ms
        /// after the destination received the run's first message, so that those land mid-transfer
        /// whatever the machine's speed (a quiet machine copies what the last run finds left, a few
        /// hundred messages, in less than 300 ms). Where each landed is asserted from the destination's count
        /// (grew in the run, not complete) and shown with Dovecot's words for the cut sessions.
        @Test func killedFromOutsideAtRandomMoments() async throws {
            try await Self.withServers(users: Self.threeUsers, corpora: 2) { source, destination, fixture in
                let binary = try MailferryBinary.locate()
                let environment = [JobFixture.adminVariable: Self.admin.1]
                let total = Self.threeUsers.count * 2 * 149
                let copied: @Sendable () -> Int = { Self.copied(destination, users: Self.threeUsers) }
                var generator = SplitMix64(seed: 24)
                var outcomes: [String] = []
                var midTransfer = 0
                var killed = 0
                var logSeen = (source: 0, destination: 0)
                for run in 1...6 {
                    let drawn = 20 + generator.below(381)
                    let delay = run % 2 == 0 ? drawn / 8 : drawn
                    let before = copied()
                    let process = try CrashResumeEndToEndTests.startApply(
                        binary, fixture: fixture, environment: environment, run: run)
                    let atKill = Self.killLater(
                        process, afterMilliseconds: delay, waitForGrowth: run % 2 == 0, copied: copied)
                    let wasKilled = process.waitForEnd() == .signalled(SIGKILL)
                    let landed = wasKilled && atKill.wait() > before && atKill.wait() < total
                    if wasKilled { killed += 1 }
                    if landed { midTransfer += 1 }
                    outcomes.append(
                        "run \(run) +\(delay) ms\(run % 2 == 0 ? " after the first message" : ""): "
                            + "\(wasKilled ? "killed" : "finished"), \(before) -> \(atKill.wait()) of \(total)"
                            + (landed ? " (mid-transfer)" : ""))
                    // Dovecot's account of the sessions cut so far: inside a command ("running for",
                    // "While APPENDing") or between commands ("finished … ago").
                    let sourceLines = Self.logLines(source)
                    let destinationLines = Self.logLines(destination)
                    let cut = (sourceLines.dropFirst(logSeen.source) + destinationLines.dropFirst(logSeen.destination))
                        .filter { $0.contains("imap(") && $0.contains("Disconnected") }
                        .compactMap { line -> String? in
                            guard let range = line.range(of: "Connection closed") else { return nil }
                            return String(line[range.upperBound...].prefix(60))
                        }
                    logSeen = (sourceLines.count, destinationLines.count)
                    outcomes.append("  dovecot: \(cut)")
                }
                print("crash-phases (outside):\n" + outcomes.joined(separator: "\n"))
                #expect(killed >= 5, "\(outcomes)")
                #expect(
                    midTransfer >= 3,
                    "at least the runs killed after their first message land mid-transfer: \(outcomes)")
                try await Self.finishAndJudge(
                    binary, source: source, destination: destination, fixture: fixture, users: Self.threeUsers,
                    perUser: 2 * 149)
            }
        }

        /// The destination's count at the moment of the kill, once the killer thread has acted.
        final class KillMoment: Sendable {
            private let done = DispatchSemaphore(value: 0)
            private let count = Mutex(0)
            func record(_ value: Int) {
                count.withLock { $0 = value }
                done.signal()
            }
            /// Blocks until recorded (the killer always records); then returns the same value.
            func wait() -> Int {
                done.wait()
                done.signal()
                return count.withLock { $0 }
            }
        }

        /// SIGKILLs `process` `afterMilliseconds` after now (or after the destination's count first
        /// grows, with `waitForGrowth`), from an OS thread of its own: a `Task.sleep` in a test
        /// process busy with other suites may oversleep by seconds.
        static func killLater(
            _ process: Process, afterMilliseconds delay: Int, waitForGrowth: Bool, copied: @escaping @Sendable () -> Int
        ) -> KillMoment {
            let moment = KillMoment()
            let pid = process.processIdentifier
            let thread = Thread {
                let before = copied()
                func running() -> Bool { kill(pid, 0) == 0 && !isZombie(pid) }
                if waitForGrowth {
                    while running(), copied() == before { usleep(2_000) }
                }
                usleep(useconds_t(delay * 1000))
                let count = copied()
                if running() { kill(pid, SIGKILL) }
                moment.record(count)
            }
            thread.start()
            return moment
        }

        /// Whether `pid` has exited but is not reaped yet.
        static func isZombie(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return true }
            return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first == "Z"
        }

        /// One `apply` that must die at `phase`'s `number`th step, having said so on stderr.
        static func killedRun(
            _ binary: MailferryBinary, fixture: JobFixture, environment: [String: String], run: Int, phase: String,
            number: Int
        ) throws {
            var crashing = environment
            crashing["MAILFERRY_TEST_KILL_AT"] = "\(phase):\(number)"
            let process = try CrashResumeEndToEndTests.startApply(
                binary, fixture: fixture, environment: crashing, run: run)
            let end = process.waitForEnd()
            let output = (try? String(contentsOfFile: fixture.path("apply-\(run).out"), encoding: .utf8)) ?? ""
            #expect(
                end == .signalled(SIGKILL),
                "run \(run) must die at \(phase) \(number): \(output)")
            #expect(
                output.contains("mailferry-test-kill: \(phase) \(number)\n"), "run \(run) landed elsewhere: \(output)")
        }

        /// One last apply, nothing left to plan, no unresolved intent, and every user exact.
        static func finishAndJudge(
            _ binary: MailferryBinary, source: DovecotServer, destination: DovecotServer, fixture: JobFixture,
            users: [(String, String)] = users, perUser: Int = 149
        ) async throws {
            let environment = [JobFixture.adminVariable: Self.admin.1]
            let final = try await binary.run(["apply", fixture.jobPath], environment: environment)
            #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
            let plan = try await binary.run(["plan", "--detailed-exitcode", fixture.jobPath], environment: environment)
            #expect(plan.status == 0, "nothing left to do: \(plan.stdout)\(plan.stderr)")
            let ledger = try Ledger.openExisting(directory: fixture.path(".mailferry/crash-resume"))
            for (user, password) in users {
                #expect(try ledger.pendingIntents(sourceUser: user).isEmpty, "\(user): unresolved journal intents")
                let comparison = try MailTools.compare(source, destination, user: user, password: password)
                #expect(comparison.identical, "\(user): \(comparison.report)")
                #expect(
                    comparison.messagesA == perUser && comparison.matched == perUser && comparison.messagesB == perUser)
            }
        }

        static func withServers(
            users: [(String, String)] = users, corpora: Int = 1, multiappend: Bool = true,
            _ body: (DovecotServer, DovecotServer, JobFixture) async throws -> Void
        ) async throws {
            let source = try await DovecotServer.start(.init(users: users, masterUser: admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: users, masterUser: admin, pop3: false, multiappend: multiappend))
            try await DovecotServer.stopping([source, destination]) {
                let fixture = try JobFixture(
                    job: CrashResumeEndToEndTests.job(source: source, destination: destination),
                    users: users.map { "\($0.0),\($0.1)\n" }.joined())
                defer { fixture.remove() }
                // Each corpus adds 149 messages in the same 17 folders (file names differ by seed).
                for (index, user) in users.enumerated() {
                    for corpus in 0..<corpora {
                        try MailTools.seed(source, user: user.0, seed: 31 + index + 10 * corpus)
                    }
                }
                try await body(source, destination, fixture)
            }
        }

        static func copied(_ destination: DovecotServer, users: [(String, String)] = users) -> Int {
            users.reduce(0) { $0 + MailTools.storedMessages(destination, user: $1.0) }
        }

        static func logLines(_ server: DovecotServer) -> [Substring] {
            let log = (try? String(contentsOfFile: server.directory + "/dovecot.log", encoding: .utf8)) ?? ""
            return log.split(separator: "\n")
        }

        /// Toggles the `F` (\Flagged) Maildir flag of every `every`th message of the user, as a mail
        /// client would, by renaming the file into `cur/`; returns how many changed.
        static func toggleFlagged(_ server: DovecotServer, user: String, every: Int) throws -> Int {
            let manager = FileManager.default
            let root = server.mailDirectory(for: user)
            let folders =
                [root]
                + ((try? manager.contentsOfDirectory(atPath: root)) ?? [])
                .filter { $0.hasPrefix(".") && $0 != "." && $0 != ".." }.map { root + "/" + $0 }
            var changed = 0
            var index = 0
            for folder in folders {
                for sub in ["cur", "new"] {
                    for name in ((try? manager.contentsOfDirectory(atPath: folder + "/" + sub)) ?? []).sorted() {
                        index += 1
                        guard index % every == 0 else { continue }
                        let parts = name.components(separatedBy: ":2,")
                        var flags = Set(parts.count > 1 ? Array(parts[1]) : [])
                        if flags.contains("F") { flags.remove("F") } else { flags.insert("F") }
                        let renamed = parts[0] + ":2," + String(flags.sorted())
                        try manager.moveItem(atPath: "\(folder)/\(sub)/\(name)", toPath: "\(folder)/cur/\(renamed)")
                        changed += 1
                    }
                }
            }
            return changed
        }
    }

#endif
