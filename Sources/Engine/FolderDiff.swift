import MailferryCore

/// The difference between one source folder and its destination folder, by message identity counted
/// as a multiset: each source message is paired with at most one destination message of equal identity.
public struct FolderDiff: Sendable {
    public struct Pair: Sendable, Hashable {
        public var source: MessageSummary
        public var destination: MessageSummary
    }

    public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
        case olderThanSince(CalendarDay)
        case largerThanMaximum(Int64)

        public var description: String {
            switch self {
            case .olderThanSince(let day): return "received before \(day) (options.since)"
            case .largerThanMaximum(let limit): return "larger than \(limit) bytes (options.max_message_size)"
            }
        }
    }

    /// Source messages the destination lacks, in source UID order.
    public var toCopy: [MessageSummary] = []
    /// Messages both sides have.
    public var present: [Pair] = []
    /// Present messages whose destination flags differ from the source's: the flags to set.
    public var flagUpdates: [(destinationUID: UInt32, flags: MessageFlags)] = []
    public var skipped: [(message: MessageSummary, reason: SkipReason)] = []

    public var bytesToCopy: Int64 { toCopy.reduce(0) { $0 + $1.size } }

    /// - Parameters:
    ///   - copyFlags: `options.flags`; when false flags are neither copied nor compared.
    ///   - acceptsKeywords: whether the destination keeps keywords; otherwise they are not compared.
    public init(
        source: [MessageSummary], destination: [MessageSummary], options: MigrationOptions, acceptsKeywords: Bool
    ) {
        var pool = Self.pool(of: destination)
        self.init(source: source, pool: &pool, options: options, acceptsKeywords: acceptsKeywords)
    }

    /// Destination messages by identity, each list ordered so that `popLast()` yields the lowest UID.
    public static func pool(of destination: [MessageSummary]) -> [MessageIdentity: [MessageSummary]] {
        var pool: [MessageIdentity: [MessageSummary]] = [:]
        pool.reserveCapacity(destination.count)
        // A listing in ascending UID order is walked backwards rather than sorted into a copy.
        let ascending = zip(destination, destination.dropFirst()).allSatisfy { $0.uid < $1.uid }
        if ascending {
            for message in destination.reversed() { pool[message.identity, default: []].append(message) }
        } else {
            for message in destination.sorted(by: { $0.uid > $1.uid }) {
                pool[message.identity, default: []].append(message)
            }
        }
        return pool
    }

    /// Diffs against a pool shared by several source folders merged into one destination folder, so that
    /// one destination message is never counted as present for two sources.
    public init(
        source: [MessageSummary], pool: inout [MessageIdentity: [MessageSummary]], options: MigrationOptions,
        acceptsKeywords: Bool
    ) {
        // A listing comes sorted already: no copy of it then (200,000 summaries in a huge INBOX).
        let inUIDOrder = zip(source, source.dropFirst()).allSatisfy { $0.uid < $1.uid }
        let ordered = inUIDOrder ? source : source.sorted(by: { $0.uid < $1.uid })
        if pool.isEmpty, options.since == nil, options.maxMessageSize == nil {
            toCopy = ordered  // nothing to pair or skip (a first run): the listing itself, not a copy
            return
        }
        for message in ordered {
            if let since = options.since, message.internalDate.secondsSince1970 < InternalDate.startOfDay(since) {
                skipped.append((message, .olderThanSince(since)))
                continue
            }
            if let limit = options.maxMessageSize, message.size > limit {
                skipped.append((message, .largerThanMaximum(limit)))
                continue
            }
            // An identity whose last copy is taken leaves the pool, so that a fully paired pool is
            // empty (and holds no keys for the rest of the user's folders).
            if var matches = pool.removeValue(forKey: message.identity), let match = matches.popLast() {
                if !matches.isEmpty { pool[message.identity] = matches }
                present.append(Pair(source: message, destination: match))
                if options.flags {
                    let wanted = Self.storable(message.flags, acceptsKeywords: acceptsKeywords)
                    let have = Self.storable(match.flags, acceptsKeywords: acceptsKeywords)
                    if wanted != have { flagUpdates.append((match.uid, wanted)) }
                }
            } else {
                toCopy.append(message)
            }
        }
    }

    static func storable(_ flags: MessageFlags, acceptsKeywords: Bool) -> MessageFlags {
        acceptsKeywords ? flags : flags.withoutKeywords
    }
}
