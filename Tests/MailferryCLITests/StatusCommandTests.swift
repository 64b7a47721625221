import Foundation
import Ledger
import Testing

/// `mailferry status`, run as the built binary against state written through the Ledger API.
@Suite struct StatusCommandTests {
    /// The fixture's users plus dave, who never ran.
    static let usersWithDave = JobFixture.validUsers + "dave,Pw-dave-SECRET-33\n"

    @Test func noStateShowsEveryUserNotStarted() async throws {
        let fixture = try JobFixture(users: Self.usersWithDave)
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(["status", fixture.jobPath])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").filter { $0.contains(" not started ") }
        #expect(rows.count == 4)
        #expect(result.stdout.contains("4 users: 4 not started; 0 messages (0 bytes) copied."))
        #expect(!FileManager.default.fileExists(atPath: fixture.stateDirectory), "status must not create state")
    }

    @Test func oneRowPerUserWithStateCountsAndLastError() async throws {
        let fixture = try JobFixture(users: Self.usersWithDave)
        defer { fixture.remove() }
        try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        let result = try await MailferryBinary.locate().run(["status", fixture.jobPath])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let alice = try #require(lines.first { $0.hasPrefix("alice ") })
        #expect(alice.contains("alice.new@new.example"))
        #expect(alice.contains(" done "))
        #expect(alice.contains(" 3/3 "))
        #expect(alice.contains(" 120 "))
        #expect(alice.contains("4.2 MiB"))
        #expect(alice.contains("3.1 s"))
        let bob = try #require(lines.first { $0.hasPrefix("bob ") })
        #expect(bob.contains(" partial "))
        #expect(bob.contains(" 1/2 "))
        #expect(bob.hasSuffix(LedgerSamples.partialError))
        let carol = try #require(lines.first { $0.hasPrefix("carol@old.example ") })
        #expect(carol.contains(" failed "))
        #expect(carol.hasSuffix(LedgerSamples.failedError))
        let dave = try #require(lines.first { $0.hasPrefix("dave ") })
        #expect(dave.contains(" not started "))
        #expect(
            result.stdout.contains(
                "4 users: 1 done, 1 partial, 1 failed, 1 not started; 127 messages (4.2 MiB) copied."))
        #expect(!result.stdout.contains("\u{1B}["), "no colors when stdout is not a terminal")
    }

    @Test func jsonFormat() async throws {
        let fixture = try JobFixture(users: Self.usersWithDave)
        defer { fixture.remove() }
        try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        let result = try await MailferryBinary.locate().run(["status", "--format", "json", fixture.jobPath])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let job = try #require(document["job"] as? [String: Any])
        #expect(job["name"] as? String == "fixture-job")
        #expect(document["run_in_progress"] is NSNull)
        let users = try #require(document["users"] as? [[String: Any]])
        #expect(users.map { $0["source_user"] as? String } == ["alice", "bob", "carol@old.example", "dave"])
        #expect(users.map { $0["state"] as? String } == ["done", "partial", "failed", "not_started"])
        #expect(users[0]["messages_copied"] as? Int == 120)
        #expect(users[0]["bytes_copied"] as? Int == 4_404_019)
        #expect(users[0]["last_error"] is NSNull)
        #expect(users[0]["duration_seconds"] as? Double == 3.1)
        #expect(users[0]["started_at"] as? String == "2027-01-15T08:00:00Z")
        #expect(users[1]["last_error"] as? String == LedgerSamples.partialError)
        #expect(users[2]["last_error"] as? String == LedgerSamples.failedError)
        #expect(users[3]["run"] is NSNull)
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["users"] as? Int == 4)
        #expect(summary["not_started"] as? Int == 1)
        #expect(summary["messages_copied"] as? Int == 127)
    }

    @Test func showsARunInProgressInAnotherProcess() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        // This test process plays the other apply: its run has no outcome and its pid is alive.
        let ledger = try Ledger.open(directory: fixture.stateDirectory)
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        try ledger.userStarted(run: run, sourceUser: "bob", destinationUser: "bob@new.example", at: Date())
        let binary = try MailferryBinary.locate()
        let result = try await binary.run(["status", fixture.jobPath])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Apply in progress: run \(run.rawValue), pid \(getpid())"))
        let bob = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("bob ") })
        #expect(bob.contains(" running "))

        let apply = try await binary.run(["apply", fixture.jobPath], environment: JobFixture.environment)
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("another apply of this job is running (run \(run.rawValue), pid \(getpid())"))
        try ledger.finishRun(run, finishedAt: Date(), outcome: .interrupted)
        let after = try await binary.run(["status", fixture.jobPath])
        let bobAfter = try #require(after.stdout.split(separator: "\n").first { $0.hasPrefix("bob ") })
        #expect(bobAfter.contains(" interrupted "))
    }

    @Test func stateDirOptionIsHonoured() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let elsewhere = fixture.path("elsewhere")
        try LedgerSamples.writeFinishedRun(in: elsewhere)
        let binary = try MailferryBinary.locate()
        let defaultPlace = try await binary.run(["status", fixture.jobPath])
        #expect(defaultPlace.stdout.contains("3 users: 3 not started"))
        let explicit = try await binary.run(["status", "--state-dir", elsewhere, fixture.jobPath])
        #expect(explicit.status == 0)
        #expect(explicit.stdout.contains("3 users: 1 done, 1 partial, 1 failed;"))
    }

    @Test func invalidJobExitsOne() async throws {
        let fixture = try JobFixture(job: ValidateCommandTests.brokenJob)
        defer { fixture.remove() }
        let result = try await MailferryBinary.locate().run(["status", fixture.jobPath])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(": error: "))
    }
}
