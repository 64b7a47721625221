#if os(Linux)
    import Foundation
    import Ledger
    import TestSupport
    import Testing

    /// The built binary killed with SIGKILL at several points of an apply between two real Dovecot
    /// servers, started again at once after each kill (as a supervisor, a pod restart or a shell loop
    /// would), then once more to the end: the destination must equal the source exactly, with no
    /// message missing and none twice, and the journal must hold no unresolved intent. The kills
    /// land at exact APPENDs (`MAILFERRY_TEST_KILL_AT_APPEND`), so a loaded machine cannot let a run
    /// finish first. `MAILFERRY_CRASH_POINTS` sets the number of kills per scenario (default 6).
    @Suite(.serialized) struct CrashResumeEndToEndTests {
        static let users = [("alice", "Crash-alice-pw-1"), ("bob", "Crash-bob-pw-2"), ("carol", "Crash-carol-pw-3")]
        static let admin = ("admin", "Crash-admin-pw-0")

        static var crashPoints: Int {
            ProcessInfo.processInfo.environment["MAILFERRY_CRASH_POINTS"].flatMap(Int.init).map { max(1, $0) } ?? 6
        }

        /// Alternately right after the destination confirmed the chosen message's batch (before the
        /// batch's journal entries are committed) and once half of the message's literal reached the
        /// kernel, which loses its whole MULTIAPPEND batch (so that run may make no progress at all);
        /// Dovecot's log must show each such APPEND cut at the half of its literal.
        @Test func killedAfterConfirmationOrInsideALiteral() async throws {
            try await Self.scenario(points: Self.crashPoints) { $0 % 2 == 1 ? "after" : "during" }
        }

        /// The window of issue 16: the whole MULTIAPPEND is on the wire, its OK not read yet. The
        /// server stores the batch after the process is gone, a moment after the next run started:
        /// `scripts/mailtools/late-append-proxy.py` hands a dead client's last APPEND line to Dovecot
        /// 2 s late, as a server still reading it from a slow link would store it.
        @Test func killedAfterTheLastByteOfAMultiappend() async throws {
            try await Self.scenario(points: Self.crashPoints, lateAppends: true) { _ in "sent" }
        }

        /// The same window with one APPEND per message (a server without MULTIAPPEND).
        @Test func killedAfterTheLastByteOfASingleAppend() async throws {
            try await Self.scenario(points: max(2, Self.crashPoints / 2), multiappend: false, lateAppends: true) {
                _ in "sent"
            }
        }

        /// A Maildir destination: the message's file written to tmp/ and renamed into place, the
        /// process killed before the journal commit.
        @Test func maildirKilledAfterTheRenameBeforeTheCommit() async throws {
            try await Self.scenario(points: max(2, Self.crashPoints / 2), maildir: true) { _ in "after" }
        }

        static func job(
            source: DovecotServer, destination: DovecotServer, maildir: Bool = false, plainPort: Int? = nil
        ) -> String {
            var destinationYAML =
                maildir
                ? "destination:\n  maildir:\n    path: \(destination.directory)/mail/{user}/Maildir"
                : destination.imapsDestinationYAML(adminVariable: JobFixture.adminVariable)
            if let plainPort {
                destinationYAML = """
                    destination:
                      imap:
                        host: 127.0.0.1
                        port: \(plainPort)
                        security: none
                        allow_plaintext_login: true
                        admin: { user: admin, password: env:\(JobFixture.adminVariable), style: separator, separator: "*" }
                    """
            }
            return """
                version: 1
                name: crash-resume
                \(source.imapsSourceYAML(timeout: "30s"))
                \(destinationYAML)
                users:
                  file: users.csv
                options:
                  concurrency: 3
                  retries: 1

                """
        }

        static func scenario(
            points: Int, multiappend: Bool = true, maildir: Bool = false, lateAppends: Bool = false,
            moment: (Int) -> String
        ) async throws {
            let source = try await DovecotServer.start(.init(users: users, masterUser: admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: users, masterUser: admin, pop3: false, multiappend: multiappend))
            let proxy = lateAppends ? try LateAppendProxy(targetPort: destination.imapPort) : nil
            do {
                try await killAndResume(
                    source: source, destination: destination, points: points, maildir: maildir,
                    plainPort: proxy?.port, moment: moment)
            } catch {
                proxy?.stop()
                await source.stop()
                await destination.stop()
                throw error
            }
            proxy?.stop()
            await source.stop()
            await destination.stop()
        }

        static func killAndResume(
            source: DovecotServer, destination: DovecotServer, points: Int, maildir: Bool, plainPort: Int?,
            moment: (Int) -> String
        ) async throws {
            let fixture = try JobFixture(
                job: job(source: source, destination: destination, maildir: maildir, plainPort: plainPort),
                users: users.map { "\($0.0),\($0.1)\n" }.joined())
            defer { fixture.remove() }
            // The e2e corpus per user: 149 messages in 17 folders, three of them 1-3 MB, so that a kill
            // often lands inside a large APPEND.
            for (index, user) in users.enumerated() {
                try MailTools.seed(source, user: user.0, seed: 11 + index)
            }
            let total = users.reduce(0) { $0 + MailTools.storedMessages(source, user: $1.0) }
            #expect(total == 3 * 149)
            func copied() -> Int { users.reduce(0) { $0 + MailTools.storedMessages(destination, user: $1.0) } }

            let binary = try MailferryBinary.locate()
            let environment = [JobFixture.adminVariable: admin.1]
            // Kills at exact journal steps, spread over what is left to copy: each run dies at the
            // `step`-th message it appends; the next run starts at once, without waiting.
            var killedAt: [Int] = []
            var finishedEarly = 0
            for point in 1...points {
                // A batch killed after it was sent may still land (late-append proxy): leave room for it,
                // so that each run still has a message to die at.
                let remaining = max(0, total - copied() - (plainPort == nil ? 0 : 100))
                let step = max(1, remaining / (points - point + 2))
                var crashing = environment
                crashing["MAILFERRY_TEST_KILL_AT_APPEND"] = "\(step):\(moment(point))"
                let process = try startApply(binary, fixture: fixture, environment: crashing, run: point)
                if process.waitForEnd() == .signalled(SIGKILL) {
                    killedAt.append(copied())
                    // The process says where it died just before it does.
                    let output =
                        (try? String(contentsOfFile: fixture.path("apply-\(point).out"), encoding: .utf8)) ?? ""
                    #expect(
                        output.contains("mailferry-test-kill: append \(moment(point))\n"),
                        "run \(point) died elsewhere than at APPEND \(moment(point)): \(output.suffix(500))")
                } else {
                    finishedEarly += 1
                }
            }
            #expect(killedAt.count == points, "every run must die at its APPEND (\(finishedEarly) ended first)")

            let final = try await binary.run(["apply", fixture.jobPath], environment: environment)
            #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
            let plan = try await binary.run(["plan", "--detailed-exitcode", fixture.jobPath], environment: environment)
            #expect(plan.status == 0, "nothing left to copy: \(plan.stdout)\(plan.stderr)")

            // Every intent was resolved: committed, or settled by the look taken after a crash.
            let ledger = try Ledger.openExisting(directory: fixture.path(".mailferry/crash-resume"))
            for (user, _) in users {
                #expect(try ledger.pendingIntents(sourceUser: user).isEmpty, "\(user): unresolved journal intents")
            }

            var compared = 0
            var duplicates = 0
            var missing = 0
            for (user, password) in users {
                let comparison = try MailTools.compare(source, destination, user: user, password: password)
                #expect(comparison.identical, "\(user): \(comparison.report)")
                #expect(comparison.messagesA == 149)
                #expect(comparison.matched == comparison.messagesA)
                #expect(comparison.messagesB == comparison.messagesA)
                #expect(comparison.missing == 0 && comparison.extra == 0 && comparison.duplicates == 0)
                #expect(comparison.mismatches == 0)
                compared += comparison.messagesA
                duplicates += comparison.duplicates + comparison.extra
                missing += comparison.missing
            }
            // Dovecot logs a client that vanished during an APPEND as "Disconnected: ... (While APPENDing:
            // N msgs, S secs, X/Y bytes)", X/Y where it was inside a literal of Y bytes.
            let log = (try? String(contentsOfFile: destination.directory + "/dovecot.log", encoding: .utf8)) ?? ""
            let cutAppends = log.split(separator: "\n").filter { $0.contains("(While APPENDing:") }
            let insideAppend = cutAppends.count
            let literals = cutAppends.compactMap(Self.literalProgress(in:))
            let midLiteral = literals.filter { $0.received > 0 && $0.received < $0.size }.count
            // A "during" kill fires once exactly half of the chosen literal reached the kernel: the
            // server must have seen each such APPEND cut there (other users' sessions, cut by the same
            // kill, stop wherever they were).
            let halfway = literals.filter { $0.size > 1 && $0.received == $0.size / 2 }.count
            let duringKills = (1...points).filter { moment($0) == "during" }.count
            if !maildir {
                #expect(
                    halfway >= duringKills,
                    "\(duringKills) 'during' kills, \(halfway) APPENDs cut at half their literal: \(cutAppends)")
            }
            print(
                """
                crash-resume (\(maildir ? "maildir" : "imap"), moments \((1...points).map(moment))): \
                \(killedAt.count) kills (SIGKILL) of \(points) points, destination counts at the kills \(killedAt) \
                of \(total) (\(insideAppend) connections cut inside an APPEND, \(midLiteral) inside a literal, \(halfway) at its half); \
                \(compared) messages compared: \
                duplicates \(duplicates), missing \(missing)
                """)
        }

        /// Dovecot's "X/Y bytes" of a literal it was reading when the client went away, if the line has it.
        static func literalProgress(in line: Substring) -> (received: Int, size: Int)? {
            guard let open = line.range(of: "(While APPENDing:") else { return nil }
            for field in line[open.upperBound...].split(whereSeparator: { $0 == "," || $0 == ")" }) {
                let words = field.split(separator: " ")
                guard words.count == 2, words[1] == "bytes" else { continue }
                let parts = words[0].split(separator: "/")
                if parts.count == 2, let received = Int(parts[0]), let size = Int(parts[1]) { return (received, size) }
            }
            return nil
        }

        /// `mailferry apply` in the background, its output in a file of the fixture folder.
        static func startApply(
            _ binary: MailferryBinary, fixture: JobFixture, environment: [String: String], run: Int
        ) throws -> Process {
            try binary.start(
                ["apply", fixture.jobPath], environment: environment, outputPath: fixture.path("apply-\(run).out"))
        }
    }
#endif
