import Foundation
import GRDB
import MailferryCore
import TestSupport
import Testing

@testable import Ledger

/// SIGKILL at a random moment while a child process writes, then reopen: the database is intact,
/// every invariant the writer keeps between its transactions holds, and the dead run reads as
/// interrupted through the real pid check. The child is this test binary running only
/// `crashChild` (Linux: the test binary is an executable; elsewhere the test is skipped).
@Suite struct LedgerCrashTests {
    static let directoryVariable = "MAILFERRY_LEDGER_CRASH_CHILD_DIR"
    static let testBinary: String? = {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
            path.hasSuffix(".xctest")
        else { return nil }
        return path
    }()

    @Test(.enabled(if: testBinary != nil, "needs a Linux test executable to run as the child"))
    func aProcessKilledAtAnyMomentLeavesAConsistentLedger() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let binary = try #require(Self.testBinary)
        var copiedBefore = 0

        for round in 0..<4 {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: binary)
            child.arguments = ["--testing-library", "swift-testing", "--filter", "LedgerCrashTests/crashChild"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.directoryVariable: temporary.path]) {
                $1
            }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            let pid = child.processIdentifier

            // Wait until the child has copied some more, then kill it a random moment later. The
            // deadlines are long because on a loaded machine this loop may not be scheduled for a
            // minute (other tests hold the cooperative threads while they wait for processes).
            let deadline = Date().addingTimeInterval(360)
            var copied = copiedBefore
            while copied < copiedBefore + 20, Date() < deadline, !child.hasEnded {
                try await Task.sleep(for: .milliseconds(20))
                copied =
                    (try? Ledger.openExisting(directory: temporary.path).copiedCount(sourceUser: "alice")) ?? copied
            }
            try #require(!child.hasEnded, "round \(round): the child stopped on its own")
            try await Task.sleep(for: .milliseconds(Int.random(in: 0..<40)))
            kill(pid, SIGKILL)
            #expect(child.waitForEnd() == .signalled(SIGKILL))

            let ledger = try Ledger.open(directory: temporary.path)
            let integrity = try ledger.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            #expect(integrity == ["ok"])

            let copiedNow = try ledger.copiedCount(sourceUser: "alice")
            #expect(copiedNow >= copiedBefore + 20, "round \(round): commits before the kill survive")
            let result = try #require(try ledger.latestUserResults().first)
            #expect(result.state == .interrupted, "round \(round): the killed run's user is not shown running")
            #expect(result.counts.messagesCopied <= copiedNow, "progress is written after the commit it counts")
            #expect(result.counts.messagesCopied >= copiedNow - 1)
            let pending = try ledger.pendingIntents(sourceUser: "alice")
            #expect(pending.count <= 1, "at most the one copy in flight")
            // A commit is one transaction: no message is both in doubt and in the baseline, and no
            // baseline entry lacks the UID its commit wrote.
            let inDoubtAndCopied = try ledger.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM journal JOIN sync_baseline USING (source_user, source_folder, source_key)
                        """)
            }
            #expect(inDoubtAndCopied == 0)
            let withoutUID = try ledger.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sync_baseline WHERE destination_uid IS NULL")
            }
            #expect(withoutUID == 0)
            if let record = try ledger.folderRecord(sourceUser: "alice", sourceFolder: .inbox) {
                #expect(record.source.messageCount <= copiedNow)
            }
            // Recovery as apply does it: the in-flight copy is looked up on the destination.
            try ledger.closeIntents(pending.map(\.id))
            copiedBefore = copiedNow
        }

        let ledger = try Ledger.open(directory: temporary.path)
        _ = try ledger.beginRun(command: .apply, startedAt: Date())
        let runs = try ledger.runs()
        #expect(runs.count == 5)
        #expect(runs.dropFirst().allSatisfy { $0.outcome == .interrupted }, "beginRun closed every killed run")
        let lines = try UserLog.read(directory: temporary.path, sourceUser: "alice").split(separator: "\n")
        // A kill between a commit and its log line loses at most that line, once per round.
        #expect(lines.count >= copiedBefore - 4)
        #expect(lines.allSatisfy { $0.contains("  copied INBOX uid ") }, "no torn lines")
    }

    /// The child: writes like an apply until killed (or 300 s pass). Skipped unless started by the test above.
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment[directoryVariable] != nil, "runs only as the crash test's child"))
    func crashChild() throws {
        let directory = try #require(ProcessInfo.processInfo.environment[Self.directoryVariable])
        let ledger = try Ledger.open(directory: directory)
        let log = ledger.log(sourceUser: "alice")
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        try ledger.userStarted(run: run, sourceUser: "alice", destinationUser: "alice", at: Date())
        var copied = try ledger.copiedCount(sourceUser: "alice")
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            let entry = try ledger.recordIntent(
                sourceUser: "alice", sourceFolder: .inbox, sourceKey: "1:\(copied + 1)",
                identity: MessageIdentity(key: "mid:<\(copied + 1)@example.com>:100"), destinationFolder: .inbox)
            try ledger.commit(
                [entry],
                baseline: [
                    BaselineEntry(
                        sourceFolder: .inbox, sourceKey: "1:\(copied + 1)",
                        identity: MessageIdentity(key: "mid:<\(copied + 1)@example.com>:100"),
                        destinationFolder: .inbox,
                        destinationUID: UInt32(copied + 1), sourceFlags: MessageFlags([]),
                        destinationFlags: MessageFlags([]))
                ], for: MailboxPair(sourceUser: "alice", destinationUser: "alice"))
            copied += 1
            log.write("copied INBOX uid \(copied)", at: Date())
            try ledger.userProgress(run: run, sourceUser: "alice", counts: UserCounts(messagesCopied: copied))
            try ledger.saveFolderRecord(
                FolderRecord(
                    sourceUser: "alice", sourceFolder: .inbox, destinationFolder: .inbox,
                    source: FolderState(uidValidity: 1, uidNext: UInt32(copied + 1), messageCount: copied),
                    destination: FolderState(uidValidity: 1, uidNext: UInt32(copied + 1), messageCount: copied),
                    syncedAt: Date()))
        }
        Issue.record("the crash child was not killed within 300 s")
    }
}
