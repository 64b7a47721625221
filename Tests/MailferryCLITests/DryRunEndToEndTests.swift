#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// `apply --dry-run` against two real Dovecot servers: it prints exactly what `plan` prints (text
    /// and JSON, byte for byte) and changes nothing anywhere: the empty destination stays empty, the
    /// source's files keep their names (flags live in them), and no state is written.
    @Suite(.serialized) struct DryRunEndToEndTests {
        static let users = [("alice", "Dry-alice-pw-1"), ("bob", "Dry-bob-pw-2")]
        static let admin = ("admin", "Dry-admin-pw-0")

        @Test func dryRunPrintsThePlanAndLeavesTheDestinationEmpty() async throws {
            let source = try await DovecotServer.start(.init(users: Self.users, masterUser: Self.admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: Self.users, masterUser: Self.admin, pop3: false))
            let fixture = try JobFixture(
                job: CrashResumeEndToEndTests.job(source: source, destination: destination)
                    .replacingOccurrences(of: "name: crash-resume", with: "name: dry-run"),
                users: Self.users.map { "\($0.0),\($0.1)\n" }.joined())
            defer { fixture.remove() }
            for (index, user) in Self.users.enumerated() {
                try MailTools.seed(source, user: user.0, seed: 21 + index)
            }
            let sourceFiles = Self.files(below: source.directory + "/mail")
            let binary = try MailferryBinary.locate()
            let environment = [JobFixture.adminVariable: Self.admin.1]

            for format in ["text", "json"] {
                let plan = try await binary.run(
                    ["plan", "--format", format, fixture.jobPath], environment: environment)
                let dryRun = try await binary.run(
                    ["apply", "--dry-run", "--format", format, fixture.jobPath], environment: environment)
                #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
                #expect(dryRun.status == 0, "\(dryRun.stdout)\(dryRun.stderr)")
                #expect(dryRun.stdout == plan.stdout, "apply --dry-run --format \(format) differs from plan")
                // The e2e corpus: 149 messages per user, all of them to copy.
                #expect(plan.stdout.contains(format == "text" ? " 298 messages (" : "\"messages_to_copy\" : 298"))
            }

            for (user, _) in Self.users {
                #expect(MailTools.storedMessages(destination, user: user) == 0)
                #expect(MailTools.folderDirectories(destination, user: user) == [], "\(user): folders created")
                // Over IMAP: LIST shows INBOX alone, and it is empty.
                let view = try MailTools.compare(
                    destination, destination, user: user, password: Self.users.first { $0.0 == user }?.1 ?? "",
                    subscriptions: false)
                #expect(view.folders == ["INBOX": 0], "\(user): \(view.folders)")
            }
            #expect(Self.files(below: source.directory + "/mail") == sourceFiles, "the source was changed")
            #expect(!FileManager.default.fileExists(atPath: fixture.path(".mailferry/dry-run")), "state was written")
            print("dry-run: plan and apply --dry-run identical in text and json; destination: INBOX only, 0 messages")
            await source.stop()
            await destination.stop()
        }

        /// Every file below `root` (message files carry their flags in their names), sorted.
        static func files(below root: String) -> [String] {
            let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
            return all.filter { $0.contains("/cur/") || $0.contains("/new/") }.sorted()
        }
    }
#endif
