/// Deterministic randomness and byte mutations for the fixed-seed property tests and the libFuzzer
/// harnesses under fuzz/ (which compile this same file), so a failing seed replays exactly.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence on every platform,
/// unlike `SystemRandomNumberGenerator`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (`bound` > 0).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    public mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}

/// Structure-unaware mutations plus insertion of tokens that matter to the grammar under test
/// (CR, LF, NUL, literal markers, huge and negative numbers, oversized runs).
public struct ByteMutator: Sendable {
    public var tokens: [[UInt8]]
    /// Longest input a mutation may produce; keeps each execution fast.
    public var maxLength: Int

    public init(tokens: [String], maxLength: Int = 16 * 1024) {
        self.tokens = tokens.map { Array($0.utf8) }
        self.maxLength = maxLength
    }

    public static let commonTokens = [
        "\r", "\n", "\r\n", "\0", "{", "}", "0", "1", "9", "-1", "-", "+", " ", "\"", "\\", "(", ")", "[", "]",
        "99999999999", "9223372036854775807", "9223372036854775808", "9999999999999999999", "18446744073709551616",
        "4294967295", "4294967296", "\u{FF}", "\u{80}", "\u{7F}", "é", "😀",
    ]

    /// 1 to 8 random mutations of `base`.
    public func mutate(_ base: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = base
        for _ in 0...random.below(8) {
            mutateOnce(&bytes, &random)
            if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        }
        return bytes
    }

    private func mutateOnce(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        let position = random.below(bytes.count + 1)
        switch random.below(10) {
        case 0 where !bytes.isEmpty:  // flip one bit
            let index = random.below(bytes.count)
            bytes[index] ^= UInt8(1) << UInt8(random.below(8))
        case 1 where !bytes.isEmpty:  // any byte
            bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2, 3, 4:  // a grammar token
            bytes.insert(contentsOf: random.pick(tokens), at: position)
        case 5 where !bytes.isEmpty:  // delete a range
            let end = min(bytes.count, position + 1 + random.below(32))
            if position < end { bytes.removeSubrange(position..<end) }
        case 6:  // truncate
            bytes.removeLast(bytes.count - position)
        case 7 where !bytes.isEmpty:  // duplicate a range
            let start = random.below(bytes.count)
            let end = min(bytes.count, start + 1 + random.below(256))
            bytes.insert(contentsOf: bytes[start..<end], at: position)
        case 8:  // an oversized run without line breaks
            let byte = random.pick([UInt8(ascii: "x"), UInt8(ascii: " "), UInt8(ascii: "("), UInt8(ascii: "{")])
            bytes.insert(contentsOf: repeatElement(byte, count: 512 + random.below(4096)), at: position)
        default:  // a common token
            bytes.insert(contentsOf: Array(random.pick(Self.commonTokens).utf8), at: position)
        }
    }

    /// Ascending cut points for feeding `count` bytes in pieces: none, a few, or one byte at a time.
    public static func cuts(count: Int, _ random: inout SplitMix64) -> [Int] {
        guard count > 1 else { return [] }
        switch random.below(10) {
        case 0: return []
        case 1 where count <= 4096: return Array(1..<count)
        default: return (0..<(1 + random.below(8))).map { _ in random.below(count) }.sorted()
        }
    }

    /// `bytes` cut at `cuts` (ascending; repeated cuts give empty pieces, which must be harmless too).
    public static func pieces(_ bytes: [UInt8], cuts: [Int]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for cut in cuts + [bytes.count] where cut >= start {
            result.append(bytes[start..<cut])
            start = cut
        }
        return result
    }
}

/// A broken property, with what was seen.
public struct Violation: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// FNV-1a of the input: harnesses seed their split points from it, so that a crash file replays.
public func fingerprint(_ bytes: [UInt8]) -> UInt64 {
    bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
}
