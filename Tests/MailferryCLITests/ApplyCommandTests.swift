import Foundation
import Testing

/// `mailferry apply`, run as the built binary against servers that cannot be reached (127.0.0.1:1).
@Suite struct ApplyCommandTests {
    @Test func unreachableUsersFailAndStatusShowsTheReason() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let apply = try await binary.run(["apply", fixture.jobPath], environment: JobFixture.environment)
        #expect(apply.status == 3, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("3 users: 3 failed; 0 messages (0 bytes) copied."))
        #expect(
            apply.stderr.contains("alice -> alice.new@new.example: failed, 0 copied, 0 present, 0 failed, 0 bytes in "))
        #expect(!apply.stderr.contains("\u{1B}["), "no redrawn block when stderr is not a terminal")

        let status = try await binary.run(["status", "--format", "json", fixture.jobPath])
        #expect(status.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let users = try #require(document["users"] as? [[String: Any]])
        #expect(users.map { $0["state"] as? String } == ["failed", "failed", "failed"])
        let reason = try #require(users[0]["last_error"] as? String)
        #expect(!reason.isEmpty)
        #expect(apply.stdout.contains(reason), "the report shows the reason status shows")

        let text = try await binary.run(["status", fixture.jobPath])
        let alice = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("alice ") })
        #expect(alice.contains(" failed "))
        #expect(alice.hasSuffix(reason))

        let log = try await binary.run(["logs", fixture.jobPath, "alice"])
        #expect(log.status == 0)
        #expect(log.stdout.contains("failed: \(reason)"))
    }

    @Test func jsonReport() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(
            ["apply", "--format", "json", "--user", "bob", "--concurrency", "2", fixture.jobPath],
            environment: JobFixture.environment)
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["run"] as? Int == 1)
        #expect(document["outcome"] as? String == "failed")
        let users = try #require(document["users"] as? [[String: Any]])
        #expect(users.count == 1)
        #expect(users.first?["source_user"] as? String == "bob")
        #expect(users.first?["destination_user"] as? String == "bob@new.example")
        #expect(users.first?["state"] as? String == "failed")
        #expect((users.first?["last_error"] as? String)?.isEmpty == false)
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["failed"] as? Int == 1)
    }

    @Test func dryRunPrintsThePlanAndWritesNoState() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let dryRun = try await binary.run(["apply", "--dry-run", fixture.jobPath], environment: JobFixture.environment)
        let plan = try await binary.run(["plan", fixture.jobPath], environment: JobFixture.environment)
        #expect(dryRun.status == 1, "an unreachable user is an error, as for plan")
        #expect(dryRun.stdout == plan.stdout)
        #expect(dryRun.stdout.contains("! alice -> alice.new@new.example (unreachable)"))
        let json = try await binary.run(
            ["apply", "--dry-run", "--format", "json", fixture.jobPath], environment: JobFixture.environment)
        let planJSON = try await binary.run(
            ["plan", "--format", "json", fixture.jobPath], environment: JobFixture.environment)
        #expect(json.stdout == planJSON.stdout)
        #expect(!FileManager.default.fileExists(atPath: fixture.path(".mailferry")), "dry run wrote state")
    }

    @Test func stalePlanIsRefused() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let planFile = fixture.path("plan.json")
        let plan = try await binary.run(
            ["plan", "--user", "bob", "--out", planFile, fixture.jobPath], environment: JobFixture.environment)
        #expect(FileManager.default.fileExists(atPath: planFile), "\(plan.stderr)")

        let fresh = try await binary.run(
            ["apply", "--plan", planFile, fixture.jobPath], environment: JobFixture.environment)
        #expect(fresh.status == 3, "\(fresh.stdout)\(fresh.stderr)")
        #expect(fresh.stdout.contains("1 user: 1 failed;"), "only the plan's users are applied")
        let notInPlan = try await binary.run(
            ["apply", "--plan", planFile, "--user", "alice", fixture.jobPath], environment: JobFixture.environment)
        #expect(notInPlan.status == 1)
        #expect(notInPlan.stderr.contains("not in the plan"))

        try fixture.write(JobFixture.validUsers + "dave,Pw-dave-SECRET-33\n", to: "users.csv", permissions: 0o600)
        let stale = try await binary.run(
            ["apply", "--plan", planFile, fixture.jobPath], environment: JobFixture.environment)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("plan is stale: "))
        #expect(stale.stdout.isEmpty)

        try fixture.write("{}", to: "garbage.json")
        let garbage = try await binary.run(
            ["apply", "--plan", fixture.path("garbage.json"), fixture.jobPath], environment: JobFixture.environment)
        #expect(garbage.status == 1)
        #expect(garbage.stderr.contains("not a mailferry plan JSON"))
    }

    @Test func fatalErrorsBeforeAnyUserExitOne() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let noSecret = try await binary.run(["apply", fixture.jobPath])
        #expect(noSecret.status == 1)
        #expect(noSecret.stderr.contains("environment variable \(JobFixture.adminVariable) is not set"))
        let unknown = try await binary.run(
            ["apply", "--user", "mallory", fixture.jobPath], environment: JobFixture.environment)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("mallory"))
        let zero = try await binary.run(
            ["apply", "--concurrency", "0", fixture.jobPath], environment: JobFixture.environment)
        #expect(zero.status == 1)
        #expect(!FileManager.default.fileExists(atPath: fixture.path(".mailferry")), "no state before a user ran")

        let broken = try JobFixture(job: ValidateCommandTests.brokenJob)
        defer { broken.remove() }
        let invalid = try await binary.run(["apply", broken.jobPath], environment: JobFixture.environment)
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains(": error: "))
    }
}
