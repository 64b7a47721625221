import MailferryCore

/// A destination folder's messages not yet paired with a source message, by identity (a multiset:
/// several messages may share one identity). Held compactly, because a folder of 200,000 messages
/// is listed whole when there is no state: the summaries in one array in UID order, a dictionary
/// from each identity to its lowest-UID message, and per message the index of the next one with the
/// same identity (ascending UIDs). No array per identity.
public struct MessagePool: Sendable {
    private var summaries: [MessageSummary] = []
    /// Per summary the index of the next unpaired one of the same identity, -1 after the last, or
    /// `taken` once paired.
    private var next: [Int32] = []
    private static let taken: Int32 = -2
    /// Per identity with an unpaired message: the index of its lowest-UID one.
    private var first: [MessageIdentity: Int32] = [:]

    public init(_ destination: [MessageSummary] = []) {
        // Held in UID order, so that a message is found by UID with a binary search. A listing comes
        // in ascending UID order already and is then kept as it is, not copied.
        let ascending = zip(destination, destination.dropFirst()).allSatisfy { $0.uid < $1.uid }
        summaries = ascending ? destination : destination.sorted { $0.uid < $1.uid }
        next = Array(repeating: -1, count: summaries.count)
        first.reserveCapacity(summaries.count)
        // Chains are built from the highest UID down, so that each starts at its lowest UID.
        for index in summaries.indices.reversed() { link(index) }
    }

    /// Adds the next window of the destination's listing (UIDs above every message held), for a
    /// folder listed a window at a time. The paired messages are let go first once they are most of
    /// what is held, so that a pool whose messages are paired as fast as they are listed stays the
    /// size of a window or two.
    public mutating func append(_ window: [MessageSummary]) {
        guard !window.isEmpty else { return }
        let held = summaries.count
        let unpairedCount = next.lazy.filter { $0 != Self.taken }.count
        if unpairedCount * 2 < held {
            self = MessagePool(unpaired + window)
            return
        }
        let ascending = zip(window, window.dropFirst()).allSatisfy { $0.uid < $1.uid }
        let added = ascending ? window : window.sorted { $0.uid < $1.uid }
        guard added.first.map({ $0.uid > (summaries.last?.uid ?? 0) }) ?? true else {
            self = MessagePool(unpaired + added)
            return
        }
        summaries.append(contentsOf: added)
        next.append(contentsOf: repeatElement(-1, count: added.count))
        // Each new message goes at the end of its identity's chain, which stays in ascending UID order.
        for index in held..<summaries.count {
            let identity = summaries[index].identity
            guard var last = first[identity] else {
                first[identity] = Int32(index)
                continue
            }
            while next[Int(last)] >= 0 { last = next[Int(last)] }
            next[Int(last)] = Int32(index)
        }
    }

    private mutating func link(_ index: Int) {
        let identity = summaries[index].identity
        if let head = first[identity] { next[index] = head }
        first[identity] = Int32(index)
    }

    /// How many messages are held, paired or not (the paired ones until the pool lets go of them).
    var heldCount: Int { summaries.count }

    /// Whether every message is paired (or there was none).
    public var isEmpty: Bool { first.isEmpty }

    /// The identities with unpaired messages.
    public var identities: [MessageIdentity] { Array(first.keys) }

    /// The unpaired messages in UID order.
    public var unpaired: [MessageSummary] {
        var result: [MessageSummary] = []
        for head in first.values {
            var index = head
            while index >= 0 {
                result.append(summaries[Int(index)])
                index = next[Int(index)]
            }
        }
        return result.sorted { $0.uid < $1.uid }
    }

    /// Takes the unpaired message of `identity`, the one with UID `uid` when there is one, else the
    /// lowest UID. An identity whose last message is taken leaves the pool; an empty pool lets go of
    /// its storage.
    public mutating func take(_ identity: MessageIdentity, preferring uid: UInt32? = nil) -> MessageSummary? {
        guard let head = first[identity] else { return nil }
        var previous: Int32 = -1
        var chosen = head
        if let uid {
            var index = head
            while index >= 0, summaries[Int(index)].uid != uid {
                previous = index
                index = next[Int(index)]
            }
            if index >= 0 { chosen = index } else { previous = -1 }
        }
        let following = next[Int(chosen)]
        if previous >= 0 {
            next[Int(previous)] = following
        } else if following >= 0 {
            first[identity] = following
        } else {
            first.removeValue(forKey: identity)
        }
        next[Int(chosen)] = Self.taken
        let message = summaries[Int(chosen)]
        if first.isEmpty { self = MessagePool() }
        return message
    }

    /// Takes the unpaired message with UID `uid` and size `size`, whatever its identity: the
    /// destination message a baseline entry names, while the folder keeps its UIDVALIDITY.
    public mutating func take(uid: UInt32, size: Int64) -> MessageSummary? {
        guard let message = unpairedMessage(uid: uid), message.size == size else { return nil }
        return take(message.identity, preferring: uid)
    }

    /// Whether a message with this UID is unpaired.
    public func contains(uid: UInt32) -> Bool { unpairedMessage(uid: uid) != nil }

    /// Whether `identity` has an unpaired message.
    public func contains(_ identity: MessageIdentity) -> Bool { first[identity] != nil }

    private func unpairedMessage(uid: UInt32) -> MessageSummary? {
        let index = summaries.partitionPoint { $0.uid < uid }
        guard index < summaries.count, summaries[index].uid == uid, next[index] != Self.taken else { return nil }
        return summaries[index]
    }
}
