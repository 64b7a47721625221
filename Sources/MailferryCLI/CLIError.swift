import MailferryCore

/// Failures of the command line itself (not of a job file: those are diagnostics).
enum CLIError: UserFacingError, Equatable {
    case noLog(String, stateDirectory: String)
    case notAUser(String, usersFile: String)
    case stalePlan(String)
    case unreadablePlan(String, reason: String)
    case usersNotInPlan([String])
    case runInProgress(run: Int64, pid: Int32, host: String)
    case unknownUsers([String], usersFile: String)
    case wouldOverwrite([String])
    case cannotRead(String)
    case cannotWrite(String, reason: String)
    /// The temporary file (`PieceSpool`) that holds each user's output of `plan` or `verify` until
    /// every user is done, in that folder.
    case outputSpool(String, reason: String)
    /// A JSON document (the plan, status, report) could not be written a user at a time: its users
    /// are not its last key. A bug: the documents' tests check their layout.
    case jsonLayout(String)
    case noJobLoaded(String)
    case usersOutsideShard([UserShard], ShardSelection)
    case planForOtherShard(plan: ShardSelection?, requested: ShardSelection?)
    case overlappingRunInProgress(folder: String, run: Int64, pid: Int32, host: String)

    /// A source user and the shard it belongs to.
    struct UserShard: Equatable {
        var user: String
        var index: Int
    }

    var userMessage: String {
        switch self {
        case .noLog(let user, let directory):
            return "no log for \(user) in \(directory); apply has not reached this user yet "
                + "(or pass the --state-dir that apply used)"
        case .notAUser(let user, let usersFile):
            return "'\(user)' is not a source user in \(usersFile); use the first column of the users file"
        case .stalePlan(let reason):
            return "plan is stale: \(reason); run `mailferry plan --out PLAN.json` again and review it"
        case .unreadablePlan(let path, let reason):
            return "cannot use the plan \(path): \(reason)"
        case .usersNotInPlan(let users):
            let list = users.map { "'\($0)'" }.joined(separator: ", ")
            return "--user \(list): not in the plan; make a plan that includes them, or leave out --plan"
        case .runInProgress(let run, let pid, let host):
            return "another apply of this job is running (run \(run), pid \(pid) on \(host)); "
                + "wait for it to finish, or stop that process (it resumes where it stopped)"
        case .unknownUsers(let users, let usersFile):
            let list = users.map { "'\($0)'" }.joined(separator: ", ")
            return "--user \(list): not a source user in \(usersFile); use the first column of the users file"
        case .wouldOverwrite(let paths):
            return "refusing to overwrite existing \(paths.joined(separator: ", ")); "
                + "move them away or run `mailferry init` in another directory"
        case .cannotRead(let path):
            return "cannot read \(path); check that it exists and is readable by this user"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .jsonLayout(let document):
            return "the \(document) JSON could not be written a user at a time; please report this as a bug"
        case .outputSpool(let folder, let reason):
            return "cannot keep each user's output in a temporary file in \(folder): \(reason); "
                + "set TMPDIR to a writable folder with free space"
        case .noJobLoaded(let path):
            return "\(path) could not be loaded and no diagnostic says why; please report this as a bug"
        case .usersOutsideShard(let users, let shard):
            let list = users.map { "'\($0.user)' (shard \($0.index)/\(shard.count))" }.joined(separator: ", ")
            return "--user \(list): not in shard \(shard); run that shard, or leave out --shard"
        case .planForOtherShard(let plan, let requested):
            func name(_ shard: ShardSelection?) -> String { shard.map { "shard \($0)" } ?? "the whole job" }
            return "the plan was made for \(name(plan)), not \(name(requested)); "
                + "apply with the same --shard as the plan, or make a plan for this one"
        case .overlappingRunInProgress(let folder, let run, let pid, let host):
            return "another apply of this job is running over some of the same users (state \(folder), run \(run), "
                + "pid \(pid) on \(host)); wait for it to finish: only shards of the same count (K/N, same N) run together"
        }
    }
}
