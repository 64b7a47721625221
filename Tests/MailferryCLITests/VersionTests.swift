import Foundation
import Testing

@testable import BuildInfo

/// `mailferry --version`, and the same string at the head of `status` and of each user's log.
@Suite struct VersionTests {
    /// The commit of this checkout as the build recorded it, or nil without git.
    static func checkoutCommit() async throws -> String? {
        let git = try await ToolRun.run([
            "git", "-C", MailferryBinary.packageRoot.path, "rev-parse", "--short=12", "HEAD",
        ])
        return git.status == 0 ? git.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    @Test func versionNamesTheReleaseAndTheCommit() async throws {
        let result = try await MailferryBinary.locate().run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == MailferryVersion.description + "\n")
        #expect(result.stdout.hasPrefix("mailferry \(MailferryVersion.release) "))
        if let commit = try await Self.checkoutCommit() {
            // The tests and the binary were built from this checkout (perhaps before its last commit).
            #expect(MailferryVersion.commit?.count == 12)
            #expect(result.stdout.contains("(commit \(MailferryVersion.commit ?? "?")"))
            #expect(MailferryVersion.commit == commit || MailferryVersion.modified, "built from \(commit)")
        } else {
            #expect(result.stdout.contains("(unknown commit)"))
        }
    }

    @Test func descriptionForms() {
        #expect(
            MailferryVersion.describe(release: "1.0.0", commit: "0123456789ab", modified: true) == "mailferry 1.0.0")
        #expect(
            MailferryVersion.describe(release: "1.1.0-dev", commit: "0123456789ab", modified: false)
                == "mailferry 1.1.0-dev (commit 0123456789ab)")
        #expect(
            MailferryVersion.describe(release: "1.1.0-dev", commit: "0123456789ab", modified: true)
                == "mailferry 1.1.0-dev (commit 0123456789ab, modified)")
        #expect(
            MailferryVersion.describe(release: "1.1.0-dev", commit: nil, modified: false)
                == "mailferry 1.1.0-dev (unknown commit)")
    }

    @Test func statusStartsWithTheVersion() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let text = try await binary.run(["status", fixture.jobPath])
        #expect(text.stdout.hasPrefix(MailferryVersion.description + "\nStatus of job fixture-job "))
        let json = try await binary.run(["status", "--format", "json", fixture.jobPath])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["mailferry"] as? String == MailferryVersion.description)
    }

    @Test func eachRunOfAUserLogStartsWithTheVersion() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let apply = try await binary.run(
            ["apply", "--user", "bob", fixture.jobPath], environment: JobFixture.environment)
        #expect(apply.status == 3)
        let log = try await binary.run(["logs", fixture.jobPath, "bob"])
        let first = try #require(log.stdout.split(separator: "\n").first)
        #expect(first.hasSuffix("  run 1 by \(MailferryVersion.description): migrating bob -> bob@new.example"))
    }
}
