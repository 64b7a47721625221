import Foundation
import Testing

/// The issue's reproduction, through the binary: a users file saved on Windows (CR LF) gives every
/// user, and `validate`, `plan` and `apply` say how many mailboxes the users file yields.
@Suite struct MailboxCountTests {
    static let windowsUsers = JobFixture.validUsers.replacingOccurrences(of: "\n", with: "\r\n")

    @Test func validateShowsTheMailboxCountInEveryFormat() async throws {
        let fixture = try JobFixture(
            job: JobFixture.validJob.replacingOccurrences(of: "\n", with: "\r\n"),
            users: Self.windowsUsers)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let usersFile = fixture.path("users.csv")

        let text = try await binary.run(["validate", fixture.jobPath], environment: JobFixture.environment)
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout == "\(usersFile): note: 3 mailboxes (job \(fixture.jobPath))\n")
        #expect(text.stderr.contains("0 errors, 0 warnings"))

        let github = try await binary.run(
            ["validate", "--format", "github", fixture.jobPath], environment: JobFixture.environment)
        #expect(github.status == 0)
        #expect(github.stdout.hasPrefix("::notice file=\(usersFile)::"))
        #expect(github.stdout.contains("3 mailboxes"))

        let json = try await binary.run(
            ["validate", "--format", "json", fixture.jobPath], environment: JobFixture.environment)
        #expect(json.status == 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["severity"] as? String == "note")
        #expect(entries.first?["file"] as? String == usersFile)
        #expect((entries.first?["message"] as? String)?.hasPrefix("3 mailboxes") == true)
    }

    @Test func strictLeavesTheNoteAlone() async throws {
        let fixture = try JobFixture(users: Self.windowsUsers)
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(
            ["validate", "--strict", fixture.jobPath],
            environment: JobFixture.environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(": note: 3 mailboxes"))
    }

    @Test func offlinePlanHasEveryUserAndTheCount() async throws {
        let fixture = try JobFixture(users: Self.windowsUsers)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let json = try await binary.run(
            ["plan", "--offline", "--format", "json", fixture.jobPath], environment: JobFixture.environment)
        #expect(json.status == 0, "\(json.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let users = try #require(plan["users"] as? [[String: Any]])
        #expect(users.compactMap { $0["source_user"] as? String } == ["alice", "bob", "carol@old.example"])
        let job = try #require(plan["job"] as? [String: Any])
        #expect(job["mailboxes"] as? Int == 3)
        #expect(job["users_file"] as? String == fixture.path("users.csv"))

        let text = try await binary.run(
            ["plan", "--offline", "--user", "bob", fixture.jobPath], environment: JobFixture.environment)
        #expect(text.stdout.contains("\(fixture.path("users.csv")): 3 mailboxes, 1 selected\n"), "\(text.stdout)")
        let markdown = try await binary.run(
            ["plan", "--offline", "--format", "markdown", fixture.jobPath],
            environment: JobFixture.environment)
        #expect(markdown.stdout.contains(": 3 mailboxes, 3 selected."), "\(markdown.stdout)")
    }
}
