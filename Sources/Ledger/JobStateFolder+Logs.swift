import Foundation

extension JobStateFolder {
    /// A user's log across a job's state: the state directory's own and every shard folder's (a user
    /// has a log in each folder it ran under), joined oldest first (each starts with its first
    /// entry's time). Nil when no folder has a log for the user (apply has not reached it).
    public static func userLog(sourceUser: String, stateDirectory: String) throws(LedgerError) -> String? {
        let folders =
            [JobStateFolder(path: stateDirectory, shard: nil)] + all(in: stateDirectory).filter { $0.shard != nil }
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
}
