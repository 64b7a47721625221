/// RFC 2342 `Namespace_Response = "*" SP "NAMESPACE" SP Namespace SP Namespace SP Namespace`
public struct IMAPNamespaces: Sendable, Equatable {
    /// One namespace: prefix (wire form) and hierarchy delimiter.
    public struct Entry: Sendable, Equatable {
        public var prefix: String
        public var delimiter: Character?

        public init(prefix: String, delimiter: Character?) {
            self.prefix = prefix
            self.delimiter = delimiter
        }
    }

    public var personal: [Entry]
    public var otherUsers: [Entry]
    public var shared: [Entry]

    public init(personal: [Entry], otherUsers: [Entry], shared: [Entry]) {
        self.personal = personal
        self.otherUsers = otherUsers
        self.shared = shared
    }
}
