import Foundation
import Ledger
import Testing

/// `mailferry logs`, run as the built binary.
@Suite struct LogsCommandTests {
    @Test func printsTheLogFileAsIs() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let ledger = try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        ledger.log(sourceUser: "carol@old.example").write("failed: \(LedgerSamples.failedError)", at: Date())
        let expected = try String(
            contentsOfFile: ledger.log(sourceUser: "carol@old.example").path, encoding: .utf8)
        let result = try await MailferryBinary.locate().run(["logs", fixture.jobPath, "carol@old.example"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == expected)
        #expect(result.stdout.contains("failed: \(LedgerSamples.failedError)"))
    }

    @Test func unknownUserAndMissingLogExitOne() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let noState = try await binary.run(["logs", fixture.jobPath, "alice"])
        #expect(noState.status == 1)
        #expect(noState.stderr.contains("no log for alice"))
        #expect(noState.stdout.isEmpty)

        try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        try FileManager.default.removeItem(atPath: fixture.stateDirectory + "/logs/bob.log")
        let noLog = try await binary.run(["logs", fixture.jobPath, "bob"])
        #expect(noLog.status == 1)
        #expect(noLog.stderr.contains("no log for bob"))

        let unknown = try await binary.run(["logs", fixture.jobPath, "mallory"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("'mallory' is not a source user in users.csv"))
    }

    /// `--all --out DIR`: one file per user with a log, named safely whatever the user name; users
    /// without a log are counted, not written.
    @Test func allWritesEveryUsersLogWithSafeNames() async throws {
        let hostile = ["../../escape", ".hidden", "a/b\\c", "d\u{7F}e f"]
        let users = (["alice"] + hostile + ["never-started"]).map { "\"\($0)\",pw-\($0.count)\n" }.joined()
        let fixture = try JobFixture(users: users)
        defer { fixture.remove() }
        let ledger = try Ledger.open(directory: fixture.stateDirectory)
        for user in ["alice"] + hostile { ledger.log(sourceUser: user).write("log of \(user)", at: Date()) }
        let out = fixture.path("exported/logs")
        let result = try await MailferryBinary.locate().run(["logs", fixture.jobPath, "--all", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Wrote 5 logs to \(out); no log yet for 1 user (not started).\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == (["alice"] + hostile).map(UserLog.fileName(for:)).sorted())
        #expect(files.allSatisfy { !$0.hasPrefix(".") && !$0.contains("/") })
        for user in ["alice"] + hostile {
            let text = try String(contentsOfFile: out + "/" + UserLog.fileName(for: user), encoding: .utf8)
            #expect(text.hasSuffix("  log of \(user)\n"))
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path("escape.log")))

        let misuse = try await MailferryBinary.locate().run(["logs", fixture.jobPath, "--all"])
        #expect(misuse.status == 1 && misuse.stderr.contains("--all needs --out DIR."))
    }
}
