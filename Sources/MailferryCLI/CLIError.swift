import MailferryCore

/// Failures of the command line itself (not of a job file: those are diagnostics).
enum CLIError: UserFacingError, Equatable {
    case onlinePlanningUnavailable
    case unknownUsers([String], usersFile: String)
    case wouldOverwrite([String])
    case cannotRead(String)
    case cannotWrite(String, reason: String)
    case noJobLoaded(String)

    var userMessage: String {
        switch self {
        case .onlinePlanningUnavailable:
            return "online planning (contacting the servers) is not available in this build yet; "
                + "run `mailferry plan --offline JOB.yaml` to see the endpoints, accounts and folder rules"
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
        case .noJobLoaded(let path):
            return "\(path) could not be loaded and no diagnostic says why; please report this as a bug"
        }
    }
}
