import Foundation
import MailferryCore

/// One folder holding state of a job: the job's state directory itself (an apply without
/// `--shard`) or its `shard-K-of-N` subfolder (an apply with `--shard K/N`).
public struct JobStateFolder: Sendable, Hashable {
    public var path: String
    /// Nil for the job's state directory itself.
    public var shard: ShardSelection?

    public init(path: String, shard: ShardSelection?) {
        self.path = path
        self.shard = shard
    }

    /// The folder `--shard` uses inside the job's state directory `stateDirectory`.
    public init(stateDirectory: String, shard: ShardSelection?) {
        self.path = shard.map { (stateDirectory as NSString).appendingPathComponent($0.folderName) } ?? stateDirectory
        self.shard = shard
    }

    /// Whether a state database exists in this folder.
    public var holdsState: Bool { FileManager.default.fileExists(atPath: Ledger.databasePath(in: path)) }

    /// Every folder with state among `stateDirectory` and its `shard-K-of-N` subfolders: the
    /// unsharded state first, then shards by count and index.
    public static func all(in stateDirectory: String) -> [JobStateFolder] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory)) ?? []
        let shards = names.compactMap { ShardSelection(folderName: $0) }
            .sorted { ($0.count, $0.index) < ($1.count, $1.index) }
        let candidates =
            [JobStateFolder(path: stateDirectory, shard: nil)]
            + shards.map { JobStateFolder(stateDirectory: stateDirectory, shard: $0) }
        return candidates.filter(\.holdsState)
    }
}
