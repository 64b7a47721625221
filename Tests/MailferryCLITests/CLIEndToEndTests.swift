#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// The commands together, as the built binary, against two real Dovecot servers: plan, apply,
    /// a second plan without changes, status and logs with a failed user (wrong password) among
    /// successful ones, and no password anywhere in the output or the state.
    @Suite(.serialized) struct CLIEndToEndTests {
        static let serverUsers = [
            ("alice", "Dove-alice-SECRET-71"), ("bob", "Dove-bob-SECRET-72"), ("carol", "Dove-carol-SECRET-73"),
        ]
        static let admin = ("admin", "Dove-admin-SECRET-70")
        static let wrongPassword = "Wrong-carol-SECRET-74"

        static func job(source: DovecotServer, destination: DovecotServer) -> String {
            """
            version: 1
            name: cli-e2e
            \(source.imapsSourceYAML(timeout: "20s"))
            \(destination.imapsDestinationYAML(adminVariable: JobFixture.adminVariable))
            users:
              file: users.csv
            options:
              concurrency: 3
              retries: 0

            """
        }

        static func message(_ number: Int, to user: String) -> Data {
            Data(
                """
                From: sender\(number)@old.example\r
                To: \(user)@old.example\r
                Subject: message \(number)\r
                Message-ID: <cli-e2e-\(user)-\(number)@old.example>\r
                Date: Mon, 2 Nov 2026 10:0\(number):00 +0000\r
                \r
                Body \(number) of \(user).\r

                """.utf8)
        }

        @Test func planApplyStatusAndLogsWithAFailedUser() async throws {
            let source = try await DovecotServer.start(
                .init(users: Self.serverUsers, masterUser: Self.admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: Self.serverUsers, masterUser: Self.admin, pop3: false))
            let fixture = try JobFixture(
                job: Self.job(source: source, destination: destination),
                users: """
                    alice,\(Self.serverUsers[0].1)
                    bob,\(Self.serverUsers[1].1)
                    carol,\(Self.wrongPassword)

                    """)
            defer { fixture.remove() }
            for number in 1...3 { try source.deliver(Self.message(number, to: "alice"), to: "alice") }
            for number in 1...2 { try source.deliver(Self.message(number, to: "bob"), to: "bob", folder: "Archive") }
            let binary = try MailferryBinary.locate()
            let environment = [JobFixture.adminVariable: Self.admin.1]
            var outputs: [String] = []
            func run(_ arguments: [String]) async throws -> MailferryBinary.Outcome {
                let result = try await binary.run(arguments, environment: environment)
                outputs += [result.stdout, result.stderr]
                return result
            }

            let firstPlan = try await run([
                "plan", "--detailed-exitcode", "--user", "alice", "--user", "bob", fixture.jobPath,
            ])
            #expect(firstPlan.status == 2, "\(firstPlan.stdout)\(firstPlan.stderr)")
            #expect(firstPlan.stdout.contains("3 to copy"))
            let withCarol = try await run(["plan", fixture.jobPath])
            #expect(withCarol.status == 1, "carol cannot log in")
            #expect(withCarol.stdout.contains("! carol -> carol (unreachable)"))

            let apply = try await run(["apply", fixture.jobPath])
            #expect(apply.status == 3, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stdout.contains("3 users: 2 done, 1 failed; 5 messages"))
            #expect(apply.stderr.contains("alice -> alice: done, 3 copied"))

            let secondPlan = try await run([
                "plan", "--detailed-exitcode", "--user", "alice", "--user", "bob", fixture.jobPath,
            ])
            #expect(secondPlan.status == 0, "nothing left to copy: \(secondPlan.stdout)")
            let secondApply = try await run([
                "apply", "--user", "alice", "--user", "bob", "--format", "json", fixture.jobPath,
            ])
            #expect(secondApply.status == 0, "\(secondApply.stdout)\(secondApply.stderr)")
            #expect(secondApply.stdout.contains("\"messages_copied\" : 0"))

            let status = try await run(["status", "--format", "json", fixture.jobPath])
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let users = try #require(document["users"] as? [[String: Any]])
            #expect(users.map { $0["state"] as? String } == ["done", "done", "failed"])
            let reason = try #require(users[2]["last_error"] as? String)
            #expect(reason.contains("login failed"), "\(reason)")

            let colored = try await TerminalRun.run(
                "\(TerminalRun.quoted(binary.url.path)) status \(TerminalRun.quoted(fixture.jobPath))", environment: [:]
            )
            outputs.append(colored)
            #expect(colored.contains("\u{1B}[1;32malice "))
            #expect(colored.contains("\u{1B}[1;31mcarol "))
            #expect(colored.contains(reason))

            let log = try await run(["logs", fixture.jobPath, "carol"])
            #expect(log.status == 0)
            #expect(log.stdout.contains(reason))
            let aliceLog = try await run(["logs", fixture.jobPath, "alice"])
            #expect(aliceLog.stdout.contains("copied INBOX"))

            let secrets = Self.serverUsers.map(\.1) + [Self.admin.1, Self.wrongPassword]
            for output in outputs {
                for secret in secrets { #expect(!output.contains(secret)) }
            }
            let state = fixture.path(".mailferry/cli-e2e")
            let stateFiles = FileManager.default.enumerator(atPath: state)?.allObjects as? [String] ?? []
            #expect(!stateFiles.isEmpty)
            for path in stateFiles {
                let data = (try? Data(contentsOf: URL(fileURLWithPath: state + "/" + path))) ?? Data()
                for secret in secrets { #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) holds a secret") }
            }
            await source.stop()
            await destination.stop()
        }

        /// SIGHUP (the admin's SSH session closing) stops apply as cleanly as SIGINT and SIGTERM.
        @Test(arguments: [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")])
        func aSignalRecordsTheRunAsInterrupted(signalNumber: Int32, name: String) async throws {
            let listener = try SilentListener()
            defer { listener.close() }
            let job = JobFixture.unreachableJob
                .replacingOccurrences(
                    of: "ports: { imap4s: 1 }", with: "ports: { imap4s: \(listener.port) }\n  timeout: 60s")
            let fixture = try JobFixture(job: job)
            defer { fixture.remove() }
            let binary = try MailferryBinary.locate()
            let process = Process()
            process.executableURL = binary.url
            process.arguments = ["apply", "--user", "alice", fixture.jobPath]
            process.environment = ProcessInfo.processInfo.environment.merging(JobFixture.environment) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            // The user's log appears once the user started, i.e. while apply waits for the greeting.
            let log = fixture.stateDirectory + "/logs/alice.log"
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: log), Date() < deadline, !process.hasEnded {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(FileManager.default.fileExists(atPath: log))
            kill(process.processIdentifier, signalNumber)
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.waitForEnd() == .exited(128 + signalNumber), "\(stderr)")
            #expect(stderr.contains("\(name): stopped; run 1 recorded as interrupted"))
            let status = try await binary.run(["status", "--format", "json", fixture.jobPath])
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let users = try #require(document["users"] as? [[String: Any]])
            #expect(users.first?["state"] as? String == "interrupted")
            #expect(document["run_in_progress"] is NSNull)
        }
    }
#endif
