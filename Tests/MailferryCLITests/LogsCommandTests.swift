import Foundation
import Ledger
import Testing

/// `mailferry logs`, run as the built binary.
@Suite struct LogsCommandTests {
    @Test func printsTheLogFileAsIs() throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let ledger = try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        ledger.log(sourceUser: "carol@old.example").write("failed: \(LedgerSamples.failedError)", at: Date())
        let expected = try String(
            contentsOfFile: ledger.log(sourceUser: "carol@old.example").path, encoding: .utf8)
        let result = try MailferryBinary.locate().run(["logs", fixture.jobPath, "carol@old.example"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == expected)
        #expect(result.stdout.contains("failed: \(LedgerSamples.failedError)"))
    }

    @Test func unknownUserAndMissingLogExitOne() throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let noState = try binary.run(["logs", fixture.jobPath, "alice"])
        #expect(noState.status == 1)
        #expect(noState.stderr.contains("no log for alice"))
        #expect(noState.stdout.isEmpty)

        try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        try FileManager.default.removeItem(atPath: fixture.stateDirectory + "/logs/bob.log")
        let noLog = try binary.run(["logs", fixture.jobPath, "bob"])
        #expect(noLog.status == 1)
        #expect(noLog.stderr.contains("no log for bob"))

        let unknown = try binary.run(["logs", fixture.jobPath, "mallory"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("'mallory' is not a source user in users.csv"))
    }
}
