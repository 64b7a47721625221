/// What the server said it supports in answer to CAPA (RFC 2449 section 5).
public struct POP3Capabilities: Sendable, Equatable {
    /// Capability name (upper-cased) → its arguments, e.g. `SASL` → `["PLAIN", "LOGIN"]`.
    public private(set) var entries: [String: [String]]

    public init(entries: [String: [String]] = [:]) {
        self.entries = entries
    }

    /// Parses the listing lines of a CAPA response.
    ///
    ///     capa-line = capa-tag *(SP param) CRLF    ; RFC 2449 section 5
    public init(lines: [String]) {
        var entries: [String: [String]] = [:]
        for line in lines {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let name = words.first else { continue }
            entries[name.uppercased()] = Array(words.dropFirst())
        }
        self.entries = entries
    }

    public func contains(_ name: String) -> Bool {
        entries[name.uppercased()] != nil
    }

    public var supportsSTLS: Bool { contains("STLS") }
    public var supportsUIDL: Bool { contains("UIDL") }
    public var supportsTOP: Bool { contains("TOP") }
    public var supportsUSER: Bool { contains("USER") }
    public var supportsPipelining: Bool { contains("PIPELINING") }

    /// SASL mechanisms offered (upper-cased); empty when SASL is not advertised.
    public var saslMechanisms: [String] {
        (entries["SASL"] ?? []).map { $0.uppercased() }
    }
}
