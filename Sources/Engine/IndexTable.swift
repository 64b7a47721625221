/// Indices into an array, found by a hash of what they index: open addressing with linear probing,
/// 4 bytes a slot and at least twice as many slots as indices. For a baseline of 200,000 entries
/// this is a few MB where a dictionary keyed by the entries' strings took tens. Several indices
/// may share a hash, or index equal values; a lookup visits every index its hash's run of slots
/// holds, in the order they were inserted when their hashes agree, and the caller checks which
/// are equal.
struct IndexTable: Sendable {
    private var slots: [Int32]
    private let mask: Int

    /// A table of the indices `0..<count`, `hash(index)` the hash of what each indexes.
    init(count: Int, hash: (Int) -> Int) {
        var size = 16
        while size < count * 2 { size *= 2 }
        mask = size - 1
        slots = Array(repeating: -1, count: size)
        for index in 0..<count {
            var slot = hash(index) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// Calls `visit` with each index in the run of slots that `hash` starts, until it returns false.
    func forEachCandidate(hash: Int, _ visit: (Int) -> Bool) {
        var slot = hash & mask
        while slots[slot] >= 0 {
            guard visit(Int(slots[slot])) else { return }
            slot = (slot + 1) & mask
        }
    }
}
