import Foundation
import MailferryCore
import Testing

/// `mailferry plan`, run as the built binary.
@Suite struct PlanCommandTests {
    @Test func offlineTextPlanShowsEveryUser() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(
            ["plan", "--offline", fixture.jobPath], environment: JobFixture.environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("# alice -> alice.new@new.example (offline)"))
        #expect(result.stdout.contains("# bob -> bob@new.example (offline)"))
        #expect(result.stdout.contains("# carol@old.example -> carol@elsewhere.example (offline)"))
        #expect(result.stdout.contains("INBOX via   pop3s://mail.old.example:995 (tls)"))
        #expect(result.stdout.contains("    - Junk*  (skip rule)"))
        #expect(result.stdout.contains("Plan: 3 users, 0 to create, 0 to update, 3 unchanged, 6 to skip;"))
    }

    @Test func offlineMarkdownPlan() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(
            ["plan", "--offline", "--format", "markdown", fixture.jobPath], environment: JobFixture.environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("## mailferry plan: `fixture-job`"))
        #expect(result.stdout.components(separatedBy: "<details>").count == 4)
    }

    @Test func offlineJSONPlanIsByteIdenticalAcrossRuns() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let arguments = ["plan", "--offline", "--format", "json", fixture.jobPath]
        let first = try await binary.run(arguments, environment: JobFixture.environment)
        let second = try await binary.run(arguments, environment: JobFixture.environment)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(plan["format_version"] as? Int == 1)
        let users = try #require(plan["users"] as? [[String: Any]])
        #expect(users.map { $0["source_user"] as? String } == ["alice", "bob", "carol@old.example"])
        let job = try #require(plan["job"] as? [String: Any])
        let digest = try #require(job["digest"] as? String)
        let expected =
            try Data(contentsOf: URL(fileURLWithPath: fixture.jobPath)) + Data([0])
            + Data(contentsOf: URL(fileURLWithPath: fixture.path("users.csv")))
        #expect(digest == sha256Hex(expected))
    }

    @Test func outWritesTheJSONPlanWhateverTheFormat() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let out = fixture.path("plan.json")
        let text = try await binary.run(
            ["plan", "--offline", "--out", out, fixture.jobPath], environment: JobFixture.environment)
        #expect(text.status == 0)
        let json = try await binary.run(
            ["plan", "--offline", "--format", "json", fixture.jobPath], environment: JobFixture.environment)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == json.stdout)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func detailedExitcode() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let plain = try await binary.run(["plan", "--offline", fixture.jobPath], environment: JobFixture.environment)
        #expect(plain.status == 0)
        let detailed = try await binary.run(
            ["plan", "--offline", "--detailed-exitcode", fixture.jobPath], environment: JobFixture.environment)
        #expect(detailed.status == 2, "an offline plan with users counts as changes")
        let broken = try JobFixture(job: ValidateCommandTests.brokenJob)
        defer { broken.remove() }
        let error = try await binary.run(["plan", "--offline", "--detailed-exitcode", broken.jobPath])
        #expect(error.status == 1)
        #expect(error.stdout.isEmpty)
        #expect(error.stderr.contains(": error: "))
    }

    @Test func userFilterSelectsAndRejectsUnknownUsers() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let bob = try await binary.run(
            ["plan", "--offline", "--user", "bob", "--format", "json", fixture.jobPath],
            environment: JobFixture.environment)
        #expect(bob.status == 0)
        #expect(bob.stdout.contains("\"source_user\" : \"bob\""))
        #expect(!bob.stdout.contains("alice"))
        let unknown = try await binary.run(
            ["plan", "--offline", "--user", "mallory", fixture.jobPath], environment: JobFixture.environment)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("mallory"))
    }

    @Test func onlinePlanMarksUnreachableUsersAndExitsOne() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let result = try await binary.run(["plan", fixture.jobPath], environment: JobFixture.environment)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Plan for job fixture-job"))
        #expect(!result.stdout.contains("Offline:"))
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let mark = try #require(lines.firstIndex(of: "! alice -> alice.new@new.example (unreachable)"))
        let reason = lines[mark + 1].trimmingCharacters(in: .whitespaces)
        #expect(!reason.isEmpty, "the reason follows the ! line")
        #expect(result.stdout.contains("Plan: 3 users (3 unreachable),"))
        #expect(result.stderr.contains("3 of 3 users could not be reached"))

        let detailed = try await binary.run(
            ["plan", "--detailed-exitcode", fixture.jobPath], environment: JobFixture.environment)
        #expect(detailed.status == 1, "an unreachable user is an error, not 'no changes'")

        let json = try await binary.run(
            ["plan", "--format", "json", "--user", "bob", fixture.jobPath], environment: JobFixture.environment)
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(plan["offline"] as? Bool == false)
        let users = try #require(plan["users"] as? [[String: Any]])
        #expect(users.count == 1)
        #expect(users.first?["status"] as? String == "unreachable")
        #expect((users.first?["error"] as? String)?.isEmpty == false)
        let endpoint = try #require(users.first?["endpoint"] as? [String: Any])
        #expect(endpoint["inbox"] as? String == "imap4s://127.0.0.1:1 (tls)")
    }

    @Test func onlinePlanNeedsTheAdminSecret() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(["plan", fixture.jobPath])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("environment variable \(JobFixture.adminVariable) is not set"))
    }

    private func sha256Hex(_ data: Data) -> String {
        SHA256Hasher.hexDigest(of: Array(data))
    }
}
