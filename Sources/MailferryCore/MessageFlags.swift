/// IMAP flags of one message: system flags (`\Seen`, `\Answered`, `\Flagged`, `\Deleted`, `\Draft`)
/// and keywords (`$Forwarded`, `NonJunk`, ...). `\Recent` is session state, never copied.
///
/// Held compactly, because a listing keeps one per message (200,000 in a huge INBOX): the system
/// flags as bits and the keywords as a sorted list, which for most messages is empty and so
/// allocates nothing.
public struct MessageFlags: Sendable, Hashable, CustomStringConvertible {
    /// In bit order: bit 0 is `\Seen`, and so on.
    private static let systemFlagNames = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"]
    public static let systemFlags: Set<String> = Set(systemFlagNames)
    /// Parsed for every message listed: lowered once here, not per flag.
    private static let loweredSystemFlagNames = systemFlagNames.map { $0.lowercased() }
    /// The names with their bits in the order `sorted` gives them.
    private static let systemFlagsInOrder = systemFlagNames.enumerated().map { (name: $1, bit: UInt8($0)) }
        .sorted { $0.name < $1.name }

    private var systemBits: UInt8
    /// Sorted, without repeats.
    private var keywordList: [String]

    public init<S: Sequence>(_ flags: S) where S.Element == String {
        var bits: UInt8 = 0
        var keywords: [String] = []
        for flag in flags {
            if flag.hasPrefix("\\") {
                // System flags are case-insensitive on the wire: one bit each. \Recent and unknown
                // backslash flags are dropped.
                let lowered = flag.lowercased()
                if let bit = Self.loweredSystemFlagNames.firstIndex(of: lowered) {
                    bits |= 1 << UInt8(bit)
                }
            } else {
                keywords.append(flag)
            }
        }
        systemBits = bits
        keywordList = keywords.count > 1 ? Array(Set(keywords)).sorted() : keywords
    }

    public static let none = MessageFlags([String]())

    /// Every flag, system flags in their canonical spelling.
    public var values: Set<String> { system.union(keywordList) }

    public var system: Set<String> {
        var names: Set<String> = []
        for (bit, name) in Self.systemFlagNames.enumerated() where systemBits & (1 << UInt8(bit)) != 0 {
            names.insert(name)
        }
        return names
    }

    public var keywords: Set<String> { Set(keywordList) }

    /// Sorted for deterministic output and commands. Made for every baseline row written: without
    /// keywords (most messages) the system flags come in order without a sort or a set.
    public var sorted: [String] {
        let system = Self.systemFlagsInOrder.filter { systemBits & (1 << $0.bit) != 0 }.map(\.name)
        return keywordList.isEmpty ? system : (system + keywordList).sorted()
    }

    public var description: String { "(" + sorted.joined(separator: " ") + ")" }

    /// The system flags as bits (bit 0 `\Seen`, then `\Answered`, `\Flagged`, `\Deleted`,
    /// `\Draft`) and the keywords, sorted: what a sync baseline keeps of each message's flags.
    public var parts: (systemBits: UInt8, keywords: [String]) { (systemBits, keywordList) }

    /// The flags of `parts`.
    public init(parts: (systemBits: UInt8, keywords: [String])) {
        systemBits = parts.systemBits
        keywordList = parts.keywords
    }

    /// Keeps only what a destination that does not accept keywords can store.
    public var withoutKeywords: MessageFlags {
        var copy = self
        copy.keywordList = []
        return copy
    }
}
