import Foundation
import MailferryCore
import Testing

@testable import Ledger

/// Every shard's state of a job read as one (`status`), and several processes creating or reading
/// one state at the same moment (N shard processes, and `status` while they start).
@Suite struct JobStateTests {
    @Test func concurrentFirstOpensOfOneStateAllSucceed() async throws {
        for attempt in 0..<5 {
            let temporary = try TemporaryDirectory()
            defer { temporary.remove() }
            let directory = temporary.child("state-\(attempt)")
            // Separate connections, as separate processes have; each checks the schema before migrating.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask { _ = try Ledger.open(directory: directory) }
                }
                try await group.waitForAll()
            }
            #expect(try Ledger.openExisting(directory: directory).runs().isEmpty)
        }
    }

    @Test func mergesEveryShardFolderKeepingEachUsersLatestResult() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let job = temporary.child("job")
        func record(_ folder: String, user: String, state: UserState, at seconds: TimeInterval) throws {
            let ledger = try Ledger.open(directory: folder)
            let run = try ledger.beginRun(command: .apply, startedAt: instant(seconds))
            try ledger.userStarted(run: run, sourceUser: user, destinationUser: user + "@new", at: instant(seconds))
            try ledger.userFinished(
                run: run, sourceUser: user, state: state, counts: .zero, at: instant(seconds + 1), lastError: nil)
            try ledger.finishRun(run, finishedAt: instant(seconds + 2), outcome: state == .done ? .completed : .failed)
        }
        let zero = try ShardSelection(index: 0, count: 2)
        let one = try ShardSelection(index: 1, count: 2)
        try record(job, user: "alice", state: .failed, at: 0)  // unsharded, earlier
        try record(job + "/shard-0-of-2", user: "alice", state: .done, at: 100)
        try record(job + "/shard-1-of-2", user: "bob", state: .done, at: 50)
        try record(job + "/shard-1-of-2", user: "alice", state: .failed, at: 10)  // older than shard 0's
        try FileManager.default.createDirectory(atPath: job + "/shard-3-of-2", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: job + "/logs", withIntermediateDirectories: true)

        #expect(
            JobStateFolder.all(in: job).map(\.shard) == [nil, zero, one],
            "no state in shard-3-of-2 (not a shard) or logs")
        let merged = try JobState.read(stateDirectories: [job])
        #expect(merged.folders.count == 3)
        #expect(merged.latestResults["alice"]?.state == .done)
        #expect(merged.latestResults["alice"]?.startedAt == instant(100))
        #expect(merged.latestResults["bob"]?.state == .done)
        #expect(merged.runsInProgress.isEmpty)

        let onlyOne = try JobState.read(stateDirectories: [job], shard: one)
        #expect(onlyOne.folders == [JobStateFolder(stateDirectory: job, shard: one)])
        #expect(onlyOne.latestResults["alice"]?.state == .failed)

        // Several state directories (copied from several machines) merge the same way.
        let elsewhere = temporary.child("elsewhere")
        try record(elsewhere + "/shard-1-of-2", user: "bob", state: .failed, at: 200)
        let both = try JobState.read(stateDirectories: [job, elsewhere])
        #expect(both.folders.count == 4)
        #expect(both.latestResults["bob"]?.state == .failed)
        #expect(try JobState.read(stateDirectories: [temporary.child("none")]).folders.isEmpty)
    }
}
