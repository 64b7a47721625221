/// Renders UIDs as an IMAP `sequence-set`, e.g. `1:3,7`; `UInt32.max` stands for `*`.
enum IMAPUIDSet {
    static func render(_ uids: [UInt32]) -> String {
        let sorted = Array(Set(uids)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? text(sorted[index]) : "\(text(sorted[index])):\(text(sorted[end]))")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    static func render(_ range: ClosedRange<UInt32>) -> String {
        range.lowerBound == range.upperBound
            ? text(range.lowerBound) : "\(text(range.lowerBound)):\(text(range.upperBound))"
    }

    private static func text(_ uid: UInt32) -> String { uid == UInt32.max ? "*" : String(uid) }
}
