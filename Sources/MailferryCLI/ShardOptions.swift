import ArgumentParser
import Ledger
import MailferryCore

/// `--shard K/N`: only the users of shard K of N (0-based, Kubernetes' `JOB_COMPLETION_INDEX`), with
/// the state in `<state directory>/shard-K-of-N/`. See `ShardSelection` for the partition.
struct ShardOptions: ParsableArguments {
    @Option(
        name: .customLong("shard"),
        help: ArgumentHelp(
            "Only shard K of N of the users (K from 0, as JOB_COMPLETION_INDEX); state in <state>/shard-K-of-N/.",
            valueName: "K/N")
    )
    var text: String?

    func validate() throws {
        guard let text else { return }
        do {
            _ = try ShardSelection(parsing: text)
        } catch {
            throw ValidationError(error.userMessage)
        }
    }

    /// The selection (valid once `validate()` passed), or nil without `--shard`.
    var shard: ShardSelection? { text.flatMap { try? ShardSelection(parsing: $0) } }

    /// The shard's accounts among `accounts`; a user named with `--user` outside the shard is an error.
    func select(_ accounts: [Account], requested users: [String]) throws(CLIError) -> [Account] {
        guard let shard else { return accounts }
        let outside = users.filter { !shard.contains(sourceUser: $0) }
        guard outside.isEmpty else {
            throw .usersOutsideShard(
                outside.map { .init(user: $0, index: ShardSelection.shardIndex(of: $0, count: shard.count)) }, shard)
        }
        return shard.select(accounts)
    }

    /// The state folder of this command: the job's state directory, or its shard's subfolder.
    func stateFolder(of loaded: LoadedJob, override: String?) -> JobStateFolder {
        JobStateFolder(stateDirectory: loaded.stateDirectory(override: override), shard: shard)
    }

    /// Mailboxes at once for this process: `--concurrency` as given, else the job's
    /// `options.concurrency` shared by the N shards (at least 1 each).
    func concurrency(explicit: Int?, job: Job) -> Int {
        if let explicit { return explicit }
        return shard?.share(of: job.options.concurrency) ?? job.options.concurrency
    }

    /// What a plan made with these options records about its shard (nil without `--shard`).
    func planShard(job: Job, concurrency: Int) -> MigrationPlan.Shard? {
        shard.map { MigrationPlan.Shard($0, jobUsers: job.accounts.count, concurrency: concurrency) }
    }

    /// "Shard 1/4 has no users (of 12 in users.csv); nothing to do." for an empty shard.
    static func emptyShardNote(_ shard: ShardSelection, job: Job) -> String {
        "Shard \(shard) has no users (of \(job.accounts.count) in \(job.usersFile.path)); nothing to do.\n"
    }
}
