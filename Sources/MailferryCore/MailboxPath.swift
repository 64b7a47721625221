/// A folder name independent of any server: components joined by "/" as job files write them.
/// Stores convert to and from their own hierarchy delimiter and namespace prefix.
public struct MailboxPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let inbox = MailboxPath(components: ["INBOX"])

    /// Non-empty components; "INBOX" is always spelled in capitals (RFC 3501 5.1: case-insensitive).
    public let components: [String]

    public init(components: [String]) {
        var normalized = components.filter { !$0.isEmpty }
        if let first = normalized.first, first.uppercased() == "INBOX" { normalized[0] = "INBOX" }
        self.components = normalized
    }

    /// Parses a name written with "/" (job files, plans).
    public init(_ text: String) {
        self.init(components: text.split(separator: "/", omittingEmptySubsequences: true).map(String.init))
    }

    /// Parses a server's name: strips the namespace `prefix` (e.g. "INBOX." on Courier) and splits on `delimiter`.
    /// The prefix itself (and "INBOX") maps to INBOX.
    public init(serverName: String, delimiter: Character?, prefix: String) {
        var name = serverName
        let bareprefix = delimiter.map { prefix.hasSuffix(String($0)) ? String(prefix.dropLast()) : prefix } ?? prefix
        if !prefix.isEmpty, name.count > prefix.count, name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
        } else if !prefix.isEmpty, name == prefix || name == bareprefix {
            // Courier: "INBOX." is the personal namespace and "INBOX" itself is the inbox.
            name = "INBOX"
        }
        if let delimiter {
            self.init(components: name.split(separator: delimiter, omittingEmptySubsequences: true).map(String.init))
        } else {
            self.init(components: [name])
        }
    }

    /// The name on a server with this delimiter and prefix. INBOX stays "INBOX" (never prefixed).
    /// Check `componentsContaining(delimiter)` first: such a component would be split by the server.
    public func serverName(delimiter: Character?, prefix: String) -> String {
        let separator = delimiter.map { String($0) } ?? "/"
        // INBOX and its children are never prefixed: on Courier "INBOX." is the namespace itself.
        if components.first == "INBOX" { return components.joined(separator: separator) }
        return prefix + components.joined(separator: separator)
    }

    /// Components that contain `delimiter` and would be split by a server using it.
    public func componentsContaining(_ delimiter: Character?) -> [String] {
        guard let delimiter else { return [] }
        return components.filter { $0.contains(delimiter) }
    }

    public var isInbox: Bool { self == .inbox }
    public var parent: MailboxPath? {
        components.count > 1 ? MailboxPath(components: Array(components.dropLast())) : nil
    }
    public var description: String { components.joined(separator: "/") }

    /// Ancestors from the top, not including self (needed to create parents first).
    public var ancestors: [MailboxPath] {
        (1..<max(components.count, 1)).map { MailboxPath(components: Array(components.prefix($0))) }
    }

    public func hasPrefix(_ other: MailboxPath) -> Bool {
        components.count >= other.components.count
            && Array(components.prefix(other.components.count)) == other.components
    }

    public static func < (lhs: MailboxPath, rhs: MailboxPath) -> Bool {
        // INBOX first, then by components (so parents sort before children).
        if lhs.isInbox != rhs.isInbox { return lhs.isInbox }
        return lhs.components.lexicographicallyPrecedes(rhs.components)
    }
}
