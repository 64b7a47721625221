#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// `verify` against the e2e corpus on two real Dovecot servers: complete after apply; after the
    /// destination is changed behind mailferry's back (one message deleted, one message's flags
    /// changed, one appended, one message's bytes altered with its Message-ID and size kept), each
    /// change is reported and the exit status is 2; the altered bytes only with --deep. Neither side changes.
    @Suite(.serialized) struct VerifyEndToEndTests {
        static let users = [("alice", "Verify-alice-SECRET-31")]
        static let admin = ("admin", "Verify-admin-SECRET-30")

        @Test func verifyProvesCompletenessAndFindsEveryChangeOnTheDestination() async throws {
            let source = try await DovecotServer.start(.init(users: Self.users, masterUser: Self.admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: Self.users, masterUser: Self.admin, pop3: false))
            let fixture = try JobFixture(
                job: CrashResumeEndToEndTests.job(source: source, destination: destination)
                    .replacingOccurrences(of: "name: crash-resume", with: "name: verify-e2e"),
                users: Self.users.map { "\($0.0),\($0.1)\n" }.joined())
            defer { fixture.remove() }
            try MailTools.seed(source, user: "alice", seed: 41)
            let binary = try MailferryBinary.locate()
            let environment = [JobFixture.adminVariable: Self.admin.1]
            let applied = try await binary.run(["apply", fixture.jobPath], environment: environment)
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")

            // Complete after apply; the manifest lists every message and matches its schema.
            let manifestPath = fixture.path("manifest.json")
            let complete = try await binary.run(
                ["verify", "--deep", "--out", manifestPath, fixture.jobPath], environment: environment)
            #expect(complete.status == 0, "\(complete.stdout)\(complete.stderr)")
            #expect(complete.stdout.contains("alice -> alice: complete: "), "\(complete.stdout)")
            let manifestText = try String(contentsOfFile: manifestPath, encoding: .utf8)
            let manifest = try Self.user(in: manifestText)
            let messages = try #require(manifest["messages"] as? [[String: Any]])
            #expect(messages.count == 149, "the e2e corpus has 149 messages")
            #expect(messages.allSatisfy { $0["status"] as? String == "present" })
            #expect(
                messages.allSatisfy {
                    ($0["digest"] as? String)?.count == 64
                        && $0["digest"] as? String == $0["destination_digest"] as? String
                })
            let schema = MailferryBinary.packageRoot.appendingPathComponent("schemas/verify.schema.json").path
            #expect(try PythonJSONSchema.locate().errors(validating: manifestText, against: schema) == nil)
            for secret in [Self.users[0].1, Self.admin.1] {
                #expect(
                    !manifestText.contains(secret) && !complete.stdout.contains(secret)
                        && !complete.stderr.contains(secret))
            }

            // Behind mailferry's back: imaplib deletes, flags and appends; one file gets one byte changed.
            let tampered = try Self.tamper(destination, user: Self.users[0])
            let sourceFiles = DryRunEndToEndTests.files(below: source.directory + "/mail")

            // Judged against the source alone (no state: --state-dir names an empty folder).
            let noState = ["--state-dir", fixture.path("no-state")]
            let shallow = try await binary.run(
                ["verify", "--format", "json"] + noState + [fixture.jobPath], environment: environment)
            #expect(shallow.status == 2, "\(shallow.stdout)\(shallow.stderr)")
            let found = try Self.user(in: shallow.stdout)
            #expect(found["state"] as? String == "differences")
            let checks = try #require(found["messages"] as? [[String: Any]])
            func identities(_ status: String) -> [String] {
                checks.filter { $0["status"] as? String == status }.compactMap { $0["identity"] as? String }
            }
            #expect(identities("missing").count == 1)
            #expect(identities("missing").first?.hasPrefix("mid:\(tampered["deleted"] ?? "?"):") == true)
            #expect(identities("different").count == 1)
            #expect(identities("different").first?.hasPrefix("mid:\(tampered["flagged"] ?? "?"):") == true)
            let flagged = checks.first { $0["status"] as? String == "different" }
            let kinds = (flagged?["differences"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(kinds == ["flags"])
            let extra = try #require(found["extra"] as? [[String: Any]])
            #expect(
                extra.compactMap { $0["identity"] as? String }.map {
                    $0.hasPrefix("mid:\(tampered["appended"] ?? "?"):")
                } == [true])

            // --deep also finds the copy whose bytes changed under the same identity.
            let deep = try await binary.run(
                ["verify", "--deep"] + noState + [fixture.jobPath], environment: environment)
            #expect(deep.status == 2, "\(deep.stdout)\(deep.stderr)")
            #expect(deep.stdout.contains("1 missing, 2 different, 1 extra"), "\(deep.stdout)")
            let altered = deep.stdout.split(separator: "\n").filter { $0.contains("bytes differ: SHA-256") }
            #expect(
                altered.count == 1 && altered.first?.contains("mid:\(tampered["altered_bytes"] ?? "?"):") == true,
                "\(deep.stdout)")
            #expect(
                deep.stdout.split(separator: "\n").contains {
                    $0.hasPrefix("  missing ") && $0.contains(tampered["deleted"] ?? "?")
                })
            #expect(
                deep.stdout.split(separator: "\n").contains {
                    $0.hasPrefix("  extra ") && $0.contains(tampered["appended"] ?? "?")
                })

            // With the job's state, the deletion and the flag change read as the user's own since the last
            // sync (the baseline says what both sides had): listed as such, not as missing or different.
            let withState = try await binary.run(
                ["verify", "--format", "json", fixture.jobPath], environment: environment)
            let judged = try Self.user(in: withState.stdout)
            let counts = try #require(judged["counts"] as? [String: Int])
            #expect(
                counts["deleted_on_destination"] == 1 && counts["missing"] == 0 && counts["different"] == 0, "\(counts)"
            )
            #expect(counts["extra"] == 1, "the appended message is still extra")
            #expect(withState.status == 2)
            let stateChecks = try #require(judged["messages"] as? [[String: Any]])
            #expect(
                stateChecks.first { $0["status"] as? String == "deleted_on_destination" }.flatMap {
                    $0["identity"] as? String
                }?
                .hasPrefix("mid:\(tampered["deleted"] ?? "?"):") == true)
            #expect(try PythonJSONSchema.locate().errors(validating: withState.stdout, against: schema) == nil)

            // Read-only: the source's files (flags live in their names) are as they were.
            #expect(DryRunEndToEndTests.files(below: source.directory + "/mail") == sourceFiles)
            await source.stop()
            await destination.stop()
        }

        @Test func anUnreachableUserIsAnError() async throws {
            let fixture = try JobFixture(job: JobFixture.unreachableJob)
            defer { fixture.remove() }
            let result = try await MailferryBinary.locate().run(
                ["verify", "--user", "alice", fixture.jobPath], environment: JobFixture.environment)
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("alice -> "), "\(result.stdout)")
            #expect(result.stdout.contains(": error: "), "\(result.stdout)")
        }

        /// The only user of a verify document.
        static func user(in json: String) throws -> [String: Any] {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let users = try #require(document["users"] as? [[String: Any]])
            return try #require(users.first)
        }

        /// Runs scripts/tamper-mailbox.py on the destination account; its JSON report.
        static func tamper(_ server: DovecotServer, user: (String, String)) throws -> [String: String] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", DovecotServer.repositoryRoot + "/scripts/tamper-mailbox.py", "--host", server.host,
                "--port", String(server.imapsPort), "--user", user.0, "--ca-file", server.caFile,
                "--password-env", "MF_TAMPER_PASSWORD", "--maildir", server.mailDirectory(for: user.0),
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(["MF_TAMPER_PASSWORD": user.1]) {
                _, new in new
            }
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            #expect(process.waitForEnd() == .exited(0))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        }
    }
#endif
