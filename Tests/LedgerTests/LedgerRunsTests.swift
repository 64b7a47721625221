import Foundation
import GRDB
import MailferryCore
import Testing

@testable import Ledger

@Suite struct LedgerRunsTests {
    /// A pid above Linux's and macOS's pid_max: `kill(pid, 0)` always reports "no such process".
    static let vanishedPID: Int64 = 2_000_000_000

    @Test func runIsRecordedWithItsProcessAndOutcome() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)

        let first = try ledger.beginRun(command: .apply, startedAt: instant(0))
        let second = try ledger.beginRun(command: .dryRun, startedAt: instant(5))
        try ledger.finishRun(first, finishedAt: instant(60), outcome: .partial)

        #expect(second > first)
        let runs = try ledger.runs()
        #expect(runs.map(\.id) == [second, first])
        #expect(runs[1].command == .apply)
        #expect(runs[1].startedAt == instant(0))
        #expect(runs[1].finishedAt == instant(60))
        #expect(runs[1].outcome == .partial)
        #expect(runs[1].pid == getpid())
        #expect(runs[0].command == .dryRun)
        #expect(runs[0].outcome == nil)
        #expect(runs[0].finishedAt == nil)
    }

    @Test func unknownRunsAndUsersAreErrors() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let missing = RunID(rawValue: 42)

        #expect(throws: LedgerError.unknownRun(missing)) {
            try ledger.finishRun(missing, finishedAt: instant(0), outcome: .completed)
        }
        #expect(throws: LedgerError.unknownRun(missing)) {
            try ledger.userStarted(run: missing, sourceUser: "a", destinationUser: "a", at: instant(0))
        }
        let run = try ledger.beginRun(command: .apply, startedAt: instant(0))
        #expect(throws: LedgerError.userNotStarted(run: run, sourceUser: "nobody")) {
            try ledger.userProgress(run: run, sourceUser: "nobody", counts: .zero)
        }
        #expect(throws: LedgerError.userNotStarted(run: run, sourceUser: "nobody")) {
            try ledger.userFinished(
                run: run, sourceUser: "nobody", state: .done, counts: .zero, at: instant(1), lastError: nil)
        }
    }

    @Test func userLifecycleStartedProgressFinished() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let run = try ledger.beginRun(command: .apply, startedAt: instant(0))

        try ledger.userStarted(
            run: run, sourceUser: "alice@old.example", destinationUser: "alice@new.example", at: instant(1))
        let started = try #require(try ledger.latestUserResults().first)
        #expect(started.state == .running)
        #expect(started.counts == .zero)
        #expect(started.startedAt == instant(1))
        #expect(started.finishedAt == nil)
        #expect(started.duration == nil)
        #expect(started.runID == run)

        let halfway = UserCounts(
            foldersDone: 1, foldersTotal: 4, messagesCopied: 120, messagesPresent: 3, bytesCopied: 1 << 33)
        try ledger.userProgress(run: run, sourceUser: "alice@old.example", counts: halfway)
        #expect(try ledger.latestUserResults().first?.counts == halfway)

        let final = UserCounts(
            foldersDone: 4, foldersTotal: 4, messagesCopied: 250, messagesPresent: 3, messagesSkipped: 2,
            messagesFailed: 1, bytesCopied: 9_000_000_000, flagsUpdated: 7)
        try ledger.userFinished(
            run: run, sourceUser: "alice@old.example", state: .partial, counts: final, at: instant(91),
            lastError: "APPEND refused: [OVERQUOTA] Quota exceeded")
        let finished = try #require(try ledger.latestUserResults().first)
        #expect(finished.state == .partial)
        #expect(finished.counts == final)
        #expect(finished.finishedAt == instant(91))
        #expect(finished.duration == 90)
        #expect(finished.lastError == "APPEND refused: [OVERQUOTA] Quota exceeded")
        #expect(finished.destinationUser == "alice@new.example")
    }

    @Test func restartingAUserInTheSameRunResetsItsRow() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let run = try ledger.beginRun(command: .apply, startedAt: instant(0))
        try ledger.userStarted(run: run, sourceUser: "bob", destinationUser: "bob", at: instant(1))
        try ledger.userFinished(
            run: run, sourceUser: "bob", state: .failed, counts: UserCounts(messagesFailed: 1), at: instant(2),
            lastError: "timed out")

        try ledger.userStarted(run: run, sourceUser: "bob", destinationUser: "bob2", at: instant(3))

        let result = try #require(try ledger.latestUserResults().first)
        #expect(result.state == .running)
        #expect(result.counts == .zero)
        #expect(result.lastError == nil)
        #expect(result.finishedAt == nil)
        #expect(result.destinationUser == "bob2")
        #expect(result.startedAt == instant(3))
    }

    @Test func latestResultPerUserSortedByUser() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let first = try ledger.beginRun(command: .apply, startedAt: instant(0))
        for user in ["zoe", "bob", "alice"] {
            try ledger.userStarted(run: first, sourceUser: user, destinationUser: user, at: instant(1))
            try ledger.userFinished(
                run: first, sourceUser: user, state: .failed, counts: .zero, at: instant(2), lastError: "login failed")
        }
        try ledger.finishRun(first, finishedAt: instant(3), outcome: .partial)
        // The second run only retries bob (apply --user bob).
        let second = try ledger.beginRun(command: .apply, startedAt: instant(10))
        try ledger.userStarted(run: second, sourceUser: "bob", destinationUser: "bob", at: instant(11))
        try ledger.userFinished(
            run: second, sourceUser: "bob", state: .done, counts: UserCounts(messagesCopied: 5), at: instant(12),
            lastError: nil)
        try ledger.finishRun(second, finishedAt: instant(13), outcome: .completed)

        let results = try ledger.latestUserResults()

        #expect(results.map(\.sourceUser) == ["alice", "bob", "zoe"])
        #expect(results.map(\.state) == [.failed, .done, .failed])
        #expect(results.map(\.runID) == [first, second, first])
        #expect(results[1].counts.messagesCopied == 5)
    }

    @Test func dryRunsDoNotHideTheLastApplyUnlessAsked() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let apply = try ledger.beginRun(command: .apply, startedAt: instant(0))
        try ledger.userStarted(run: apply, sourceUser: "alice", destinationUser: "alice", at: instant(0))
        try ledger.userFinished(
            run: apply, sourceUser: "alice", state: .done, counts: .zero, at: instant(1), lastError: nil)
        try ledger.finishRun(apply, finishedAt: instant(1), outcome: .completed)
        let dryRun = try ledger.beginRun(command: .dryRun, startedAt: instant(5))
        try ledger.userStarted(run: dryRun, sourceUser: "alice", destinationUser: "alice", at: instant(5))

        #expect(try ledger.latestUserResults().map(\.runID) == [apply])
        #expect(try ledger.latestUserResults(commands: [.apply, .dryRun]).map(\.runID) == [dryRun])
        #expect(try ledger.latestUserResults(commands: []).isEmpty)
    }

    @Test func finishingARunInterruptsUsersThatNeverFinished() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let run = try ledger.beginRun(command: .apply, startedAt: instant(0))
        try ledger.userStarted(run: run, sourceUser: "alice", destinationUser: "alice", at: instant(1))
        try ledger.userStarted(run: run, sourceUser: "bob", destinationUser: "bob", at: instant(1))
        try ledger.userFinished(
            run: run, sourceUser: "bob", state: .done, counts: .zero, at: instant(2), lastError: nil)

        try ledger.finishRun(run, finishedAt: instant(3), outcome: .interrupted)

        #expect(try ledger.latestUserResults().map(\.state) == [.interrupted, .done])
    }

    @Test func aRunningUserOfAKilledProcessReadsAsInterrupted() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let killed = try ledger.beginRun(command: .apply, startedAt: instant(0))
        try ledger.userStarted(run: killed, sourceUser: "alice", destinationUser: "alice", at: instant(1))
        let live = try ledger.beginRun(command: .apply, startedAt: instant(2))
        try ledger.userStarted(run: live, sourceUser: "bob", destinationUser: "bob", at: instant(3))
        try ledger.write { db in
            try db.execute(sql: "UPDATE run SET pid = ? WHERE id = ?", arguments: [Self.vanishedPID, killed.rawValue])
        }

        #expect(try ledger.latestUserResults().map(\.state) == [.interrupted, .running])
        let readOnly = try Ledger.openExisting(directory: temporary.path)
        #expect(try readOnly.latestUserResults().map(\.state) == [.interrupted, .running])
        #expect(try ledger.runs().first { $0.id == killed }?.outcome == nil, "reading changes nothing")
    }

    @Test func beginRunClosesRunsWhoseProcessIsGone() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let killed = try ledger.beginRun(command: .apply, startedAt: instant(0))
        try ledger.userStarted(run: killed, sourceUser: "alice", destinationUser: "alice", at: instant(1))
        try ledger.write { db in
            try db.execute(sql: "UPDATE run SET pid = ? WHERE id = ?", arguments: [Self.vanishedPID, killed.rawValue])
        }
        let stillRunning = try ledger.beginRun(command: .apply, startedAt: instant(2))

        _ = try ledger.beginRun(command: .apply, startedAt: instant(4))

        let runs = try ledger.runs()
        #expect(runs.first { $0.id == killed }?.outcome == .interrupted)
        #expect(runs.first { $0.id == stillRunning }?.outcome == nil, "this process is alive: its run stays open")
        let state = try ledger.read { db in
            try String.fetchOne(db, sql: "SELECT state FROM user_result WHERE run_id = ?", arguments: [killed.rawValue])
        }
        #expect(state == "interrupted")
    }

    @Test func otherRunInProgressIgnoresOwnAndDeadRuns() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let own = try ledger.beginRun(command: .apply, startedAt: instant(0))
        #expect(try ledger.otherRunInProgress() == nil)

        // A run of another live process on this host: pid 1 (init) is always alive.
        try ledger.write { db in
            try db.execute(
                sql: "UPDATE run SET pid = 1, process_start = NULL WHERE id = ?", arguments: [own.rawValue])
        }
        #expect(try ledger.otherRunInProgress()?.id == own)

        try ledger.write { db in
            try db.execute(sql: "UPDATE run SET pid = ? WHERE id = ?", arguments: [Self.vanishedPID, own.rawValue])
        }
        #expect(try ledger.otherRunInProgress() == nil)
    }
}
