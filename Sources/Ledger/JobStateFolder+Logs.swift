import Foundation

extension JobStateFolder {
    /// A user's log across a job's state: the state directory's own and every shard folder's (a user
    /// has a log in each folder it ran under), joined oldest first (each starts with its first
    /// entry's time). Nil when no folder has a log for the user (apply has not reached it).
    public static func userLog(sourceUser: String, stateDirectory: String) throws(LedgerError) -> String? {
        try userLog(sourceUser: sourceUser, folders: logFolders(stateDirectory: stateDirectory))
    }

    /// The folders whose logs `userLog` joins: the state directory's own and every shard folder. A
    /// report of many users lists them once.
    public static func logFolders(stateDirectory: String) -> [JobStateFolder] {
        [JobStateFolder(path: stateDirectory, shard: nil)] + all(in: stateDirectory).filter { $0.shard != nil }
    }

    /// `userLog` over `folders` (from `logFolders`).
    public static func userLog(sourceUser: String, folders: [JobStateFolder]) throws(LedgerError) -> String? {
        var texts: [String] = []
        for folder in folders {
            do {
                texts.append(try UserLog.read(directory: folder.path, sourceUser: sourceUser))
            } catch {
                switch error {
                case .notFound, .noLog: continue
                default: throw error
                }
            }
        }
        return texts.isEmpty ? nil : texts.sorted().joined()
    }

    /// Whether any of `folders` has a log for the user, without reading it.
    public static func hasUserLog(sourceUser: String, folders: [JobStateFolder]) -> Bool {
        folders.contains { UserLog.exists(directory: $0.path, sourceUser: sourceUser) }
    }
}
