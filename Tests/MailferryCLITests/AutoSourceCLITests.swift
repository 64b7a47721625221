#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// `protocol: auto` through the built binary: the plan names the POP3 endpoint for INBOX and the IMAP
    /// one for the other folders; apply copies both; a wrong password over POP3 fails that user with the
    /// server's reason in status and logs.
    @Suite(.serialized) struct AutoSourceCLITests {
        static let users = [("alice", "Auto-alice-SECRET-81"), ("carol", "Auto-carol-SECRET-83")]
        static let admin = ("admin", "Auto-admin-SECRET-80")
        static let wrongPassword = "Wrong-carol-SECRET-84"

        @Test func autoJobPlansAppliesAndReportsAPOP3LoginFailure() async throws {
            let source = try await DovecotServer.start(.init(users: Self.users, masterUser: Self.admin))
            let destination = try await DovecotServer.start(.init(users: Self.users, masterUser: Self.admin))
            defer {
                Task {
                    await source.stop()
                    await destination.stop()
                }
            }
            let fixture = try JobFixture(
                job: """
                    version: 1
                    name: auto-cli
                    source:
                      host: 127.0.0.1
                      protocol: auto
                      ports: { imap4: 0, imap4s: \(source.imapsPort), pop3: 0, pop3s: \(source.pop3sPort) }
                      tls: { ca_file: \(source.caFile) }
                      timeout: 20s
                    \(destination.imapsDestinationYAML(adminVariable: JobFixture.adminVariable))
                    users:
                      file: users.csv
                    options:
                      retries: 0

                    """,
                users: "alice,\(Self.users[0].1)\ncarol,\(Self.wrongPassword)\n")
            defer { fixture.remove() }
            try source.deliver(
                Data("Received: by mx; 3 Mar 2003 03:03:03 +0000\r\nSubject: in\r\n\r\ninbox\r\n".utf8), to: "alice")
            try source.deliver(Data("Subject: kept\r\n\r\narchived\r\n".utf8), to: "alice", folder: "Archive")
            let binary = try MailferryBinary.locate()
            let environment = [JobFixture.adminVariable: Self.admin.1]

            let plan = try await binary.run(["plan", "--user", "alice", fixture.jobPath], environment: environment)
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("INBOX via   pop3s://127.0.0.1:\(source.pop3sPort) (tls)"), "\(plan.stdout)")
            #expect(plan.stdout.contains("folders via imap4s://127.0.0.1:\(source.imapsPort) (tls)"))

            // --verbose: both conversations, each line naming its server, the password redacted.
            let traced = try await binary.run(
                ["plan", "--verbose", "--user", "alice", fixture.jobPath], environment: environment)
            #expect(traced.stderr.contains("trace: 127.0.0.1:\(source.pop3sPort) C: UIDL"), "\(traced.stderr)")
            #expect(traced.stderr.contains("trace: 127.0.0.1:\(source.pop3sPort) C: PASS ****"))
            #expect(traced.stderr.contains("trace: 127.0.0.1:\(source.imapsPort) "))

            let apply = try await binary.run(["apply", fixture.jobPath], environment: environment)
            #expect(apply.status == 3, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stderr.contains("alice -> alice: done, 2 copied"), "\(apply.stderr)")

            let status = try await binary.run(
                ["status", "--format", "json", fixture.jobPath], environment: environment)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let rows = try #require(document["users"] as? [[String: Any]])
            #expect(rows.map { $0["state"] as? String } == ["done", "failed"])
            let reason = try #require(rows[1]["last_error"] as? String)
            #expect(reason.contains("login failed at 127.0.0.1:\(source.pop3sPort)"), "\(reason)")
            #expect(reason.contains("[AUTH] Authentication failed"), "\(reason)")

            let log = try await binary.run(["logs", fixture.jobPath, "carol"], environment: environment)
            #expect(log.stdout.contains(reason))
            let aliceLog = try await binary.run(["logs", fixture.jobPath, "alice"], environment: environment)
            #expect(aliceLog.stdout.contains("copied INBOX"))
            #expect(aliceLog.stdout.contains("copied Archive"))
            for output in [plan, traced, apply, status, log, aliceLog].flatMap({ [$0.stdout, $0.stderr] }) {
                for secret in Self.users.map(\.1) + [Self.admin.1, Self.wrongPassword] {
                    #expect(!output.contains(secret))
                }
            }
        }
    }
#endif
