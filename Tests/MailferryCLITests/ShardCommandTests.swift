import Foundation
import Ledger
import MailferryCore
import Testing

/// `--shard K/N` on plan, apply and status, run as the built binary where no server is needed:
/// argument checks, empty shards, the plan's shard record.
@Suite struct ShardCommandTests {
    static let fixtureUsers = ["alice", "bob", "carol@old.example"]

    /// A shard of `count` that none of the fixture's users falls into.
    static func emptyShard(of count: Int) throws -> Int {
        let used = Set(fixtureUsers.map { ShardSelection.shardIndex(of: $0, count: count) })
        return try #require((0..<count).first { !used.contains($0) })
    }

    @Test func anEmptyShardSucceedsAndWritesNoState() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let empty = try Self.emptyShard(of: 12)
        let apply = try await binary.run(
            ["apply", "--shard", "\(empty)/12", fixture.jobPath], environment: JobFixture.environment)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout == "Shard \(empty)/12 has no users (of 3 in users.csv); nothing to do.\n")
        #expect(!FileManager.default.fileExists(atPath: fixture.stateDirectory))
        let noSecrets = try await binary.run(["apply", "--shard", "\(empty)/12", fixture.jobPath])
        #expect(noSecrets.status == 0, "an empty shard needs no secrets: \(noSecrets.stderr)")

        let plan = try await binary.run(
            ["plan", "--offline", "--detailed-exitcode", "--shard", "\(empty)/12", fixture.jobPath])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("Shard \(empty)/12: 0 of the job's 3 users; 1 mailbox at once"))
        #expect(plan.stdout.contains("No users selected."))
        let status = try await binary.run(["status", "--shard", "\(empty)/12", fixture.jobPath])
        #expect(status.status == 0)
        #expect(status.stdout.contains("Shard \(empty)/12: 0 of the job's 3 users"))
    }

    @Test func malformedOrOutOfRangeShardsAreRefused() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let cases = [
            ("4/4", "the shard index must be 0 to 3"), ("0/0", "must be at least 1"), ("1-4", "is not K/N"),
            ("-1/4", "is not K/N"),
        ]
        for command in ["plan", "apply", "status"] {
            for (value, message) in cases {
                // `--shard=` form: a value starting with "-" would be read as an option.
                let result = try await binary.run(
                    [command, "--shard=\(value)", fixture.jobPath], environment: JobFixture.environment)
                #expect(result.status == 1, "\(command) --shard \(value)")
                #expect(result.stderr.contains(message), "\(command) --shard \(value): \(result.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.stateDirectory))
    }

    @Test func aUserOutsideTheShardIsRefused() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let aliceShard = ShardSelection.shardIndex(of: "alice", count: 2)
        let other = 1 - aliceShard
        let result = try await MailferryBinary.locate().run(
            ["plan", "--offline", "--shard", "\(other)/2", "--user", "alice", fixture.jobPath])
        #expect(result.status == 1)
        #expect(result.stderr.contains("'alice' (shard \(aliceShard)/2): not in shard \(other)/2"))
    }

    /// The plan JSON records its shard and the per-shard concurrency; apply refuses it for another shard.
    @Test func planRecordsItsShardAndApplyHoldsItToIt() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        let aliceShard = ShardSelection.shardIndex(of: "alice", count: 2)
        let planFile = fixture.path("plan.json")
        let plan = try await binary.run(
            ["plan", "--offline", "--shard", "\(aliceShard)/2", "--out", planFile, "--format", "json", fixture.jobPath])
        #expect(plan.status == 0, "\(plan.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let shard = try #require(document["shard"] as? [String: Any])
        #expect(shard["index"] as? Int == aliceShard)
        #expect(shard["count"] as? Int == 2)
        #expect(shard["job_users"] as? Int == 3)
        #expect(shard["concurrency"] as? Int == 4, "options.concurrency 8 (the default) over 2 shards")
        let planned = try #require(document["users"] as? [[String: Any]]).compactMap { $0["source_user"] as? String }
        #expect(planned == Self.fixtureUsers.filter { ShardSelection.shardIndex(of: $0, count: 2) == aliceShard })
        let validator = try PythonJSONSchema.locate()
        let schema = MailferryBinary.packageRoot.appendingPathComponent("schemas/plan.schema.json").path
        #expect(try validator.errors(validating: plan.stdout, against: schema) == nil)

        let whole = try await binary.run(
            ["apply", "--plan", planFile, fixture.jobPath], environment: JobFixture.environment)
        #expect(whole.status == 1)
        #expect(whole.stderr.contains("the plan was made for shard \(aliceShard)/2, not the whole job"))
        let other = try await binary.run(
            ["apply", "--plan", planFile, "--shard", "\(1 - aliceShard)/2", fixture.jobPath],
            environment: JobFixture.environment)
        #expect(other.status == 1)
        #expect(other.stderr.contains("not shard \(1 - aliceShard)/2"))
        #expect(!FileManager.default.fileExists(atPath: fixture.stateDirectory))

        // The matching shard applies (the servers are unreachable: exit 3) into its own folder.
        let same = try await binary.run(
            ["apply", "--plan", planFile, "--shard", "\(aliceShard)/2", fixture.jobPath],
            environment: JobFixture.environment)
        #expect(same.status == 3, "\(same.stdout)\(same.stderr)")
        #expect(
            FileManager.default.fileExists(atPath: fixture.stateDirectory + "/shard-\(aliceShard)-of-2/state.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: fixture.stateDirectory + "/state.sqlite"))
        let logs = try await binary.run(["logs", fixture.jobPath, "alice"])
        #expect(logs.status == 0, "logs finds the user's log in its shard folder: \(logs.stderr)")
    }

    /// Shards of one N never share a user and run together; an apply over other shards of the same
    /// users (unsharded, or another N) is refused while one runs.
    @Test func anApplyOverlappingARunningOneIsRefused() async throws {
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let binary = try MailferryBinary.locate()
        // This test process plays an apply of shard 0/3 that is still running.
        let ledger = try Ledger.open(directory: fixture.stateDirectory + "/shard-0-of-3")
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        for arguments in [["--shard", "1/2"], []] {
            let refused = try await binary.run(
                ["apply"] + arguments + [fixture.jobPath], environment: JobFixture.environment)
            #expect(refused.status == 1, "\(arguments): \(refused.stdout)")
            #expect(refused.stderr.contains("another apply of this job is running over some of the same users"))
            #expect(refused.stderr.contains("shard-0-of-3"))
        }
        // Another shard of 3 runs (the servers are unreachable: 3; an empty shard: 0).
        let sameCount = try await binary.run(
            ["apply", "--shard", "1/3", fixture.jobPath], environment: JobFixture.environment)
        #expect([0, 3].contains(sameCount.status), "\(sameCount.stdout)\(sameCount.stderr)")
        let status = try await binary.run(["status", fixture.jobPath])
        #expect(status.stdout.contains("Apply in progress: run \(run.rawValue), pid \(getpid())"))
        #expect(status.stdout.contains("(shard 0/3)"))

        try ledger.finishRun(run, finishedAt: Date(), outcome: .interrupted)
        let after = try await binary.run(
            ["apply", "--shard", "1/2", fixture.jobPath], environment: JobFixture.environment)
        #expect([0, 3].contains(after.status), "\(after.stdout)\(after.stderr)")
    }

    /// `status --state-dir A --state-dir B`: state copied from two machines, each user's latest result.
    @Test func statusMergesSeveralStateDirectories() async throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let first = fixture.path("machine-a")
        try LedgerSamples.writeFinishedRun(in: first)  // alice done, bob partial, carol failed
        let second = try Ledger.open(directory: fixture.path("machine-b/shard-1-of-2"))
        let later = Date(timeIntervalSince1970: 1_800_000_100)
        let run = try second.beginRun(command: .apply, startedAt: later)
        try second.userStarted(run: run, sourceUser: "bob", destinationUser: "bob@new.example", at: later)
        try second.userFinished(
            run: run, sourceUser: "bob", state: .done, counts: .zero, at: later.addingTimeInterval(1), lastError: nil)
        try second.finishRun(run, finishedAt: later.addingTimeInterval(2), outcome: .completed)

        let result = try await MailferryBinary.locate().run(
            [
                "status", "--state-dir", first, "--state-dir", fixture.path("machine-b"), "--format", "json",
                fixture.jobPath,
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let users = try #require(document["users"] as? [[String: Any]])
        #expect(users.map { $0["state"] as? String } == ["done", "done", "failed"])
        #expect(document["state_folders"] as? [String] == [first, fixture.path("machine-b/shard-1-of-2")])
    }
}
