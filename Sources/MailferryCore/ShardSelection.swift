/// `--shard K/N`: the K-th of N disjoint parts of a job's users (K from 0, as Kubernetes'
/// `JOB_COMPLETION_INDEX`), so that N processes, pods or machines can share one job without a
/// coordinator.
///
/// A user belongs to shard `H mod N`, where H is the first 8 bytes (big-endian) of the SHA-256 of the
/// lower-cased source user's UTF-8 bytes. The partition depends on nothing but the source user and
/// N: reordering, adding or removing other lines of the users file never moves a user to another
/// shard, and every process computes the same answer (Swift's `Hasher` is seeded per process and
/// would not). SHA-256 rather than a short hash such as FNV-1a: its low bits spread short names
/// evenly over any N, and `sha256sum` reproduces it.
public struct ShardSelection: Sendable, Hashable, CustomStringConvertible {
    /// 0-based, below `count`.
    public let index: Int
    /// At least 1.
    public let count: Int

    public init(index: Int, count: Int) throws(ShardSelectionError) {
        guard count >= 1 else { throw .invalidCount(count) }
        guard (0..<count).contains(index) else { throw .indexOutOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    /// Parses `K/N` (decimal, no signs or spaces).
    public init(parsing text: String) throws(ShardSelectionError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let index = Int(parts[0]), let count = Int(parts[1])
        else { throw .malformed(text) }
        try self.init(index: index, count: count)
    }

    /// "K/N".
    public var description: String { "\(index)/\(count)" }

    /// The state folder of this shard inside the job's state directory: `shard-K-of-N`.
    public var folderName: String { "shard-\(index)-of-\(count)" }

    /// The shard named by a state folder (`shard-K-of-N`), or nil for any other name.
    public init?(folderName: String) {
        guard folderName.hasPrefix("shard-") else { return nil }
        let parts = folderName.dropFirst("shard-".count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1] == "of",
            let index = Int(parts[0]), let count = Int(parts[2]), String(index) == parts[0], String(count) == parts[2],
            let shard = try? ShardSelection(index: index, count: count)
        else { return nil }
        self = shard
    }

    /// Whether `sourceUser` belongs to this shard.
    public func contains(sourceUser: String) -> Bool {
        Self.shardIndex(of: sourceUser, count: count) == index
    }

    /// This shard's accounts, in their original order.
    public func select(_ accounts: [Account]) -> [Account] {
        accounts.filter { contains(sourceUser: $0.sourceUser) }
    }

    /// This shard's part of a job-wide limit (connections, mailboxes at once): `total / N`, at
    /// least 1, so that N shards running together stay within the limit whenever it is at least N.
    public func share(of total: Int) -> Int {
        max(1, total / count)
    }

    /// The shard (0..<count) of `sourceUser`.
    public static func shardIndex(of sourceUser: String, count: Int) -> Int {
        precondition(count >= 1, "a partition needs at least one shard")
        return Int(hash(sourceUser) % UInt64(count))
    }

    /// H: the first 8 bytes of SHA-256(lower-cased source user), big-endian.
    static func hash(_ sourceUser: String) -> UInt64 {
        var digest = SHA256Hasher()
        digest.update(sourceUser.lowercased())
        return digest.finalize().prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// Why a `--shard` value was refused.
public enum ShardSelectionError: UserFacingError, Equatable {
    case malformed(String)
    case invalidCount(Int)
    case indexOutOfRange(index: Int, count: Int)

    public var userMessage: String {
        switch self {
        case .malformed(let text):
            return "--shard '\(text)' is not K/N; write the 0-based shard index and the number of shards, e.g. 0/4"
        case .invalidCount(let count):
            return "--shard: the number of shards must be at least 1, not \(count)"
        case .indexOutOfRange(let index, let count):
            return
                "--shard \(index)/\(count): the shard index must be 0 to \(count - 1) (0-based, as JOB_COMPLETION_INDEX)"
        }
    }
}
