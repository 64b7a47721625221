/// IMAP flags of one message: system flags (`\Seen`, `\Answered`, `\Flagged`, `\Deleted`, `\Draft`)
/// and keywords (`$Forwarded`, `NonJunk`, ...). `\Recent` is session state, never copied.
public struct MessageFlags: Sendable, Hashable, CustomStringConvertible {
    public static let systemFlags: Set<String> = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"]

    public private(set) var values: Set<String>

    public init<S: Sequence>(_ flags: S) where S.Element == String {
        values = Set(flags.compactMap { flag in
            // System flags are case-insensitive on the wire: store one spelling.
            if flag.hasPrefix("\\") {
                let canonical = Self.systemFlags.first { $0.lowercased() == flag.lowercased() }
                return canonical  // \Recent and unknown backslash flags are dropped
            }
            return flag
        })
    }

    public static let none = MessageFlags([String]())

    public var system: Set<String> { values.filter { $0.hasPrefix("\\") } }
    public var keywords: Set<String> { values.filter { !$0.hasPrefix("\\") } }

    /// Sorted for deterministic output and commands.
    public var sorted: [String] { values.sorted() }

    public var description: String { "(" + sorted.joined(separator: " ") + ")" }

    /// Keeps only what a destination that does not accept keywords can store.
    public var withoutKeywords: MessageFlags { MessageFlags(system) }
}
