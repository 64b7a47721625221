/// `mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox`
public struct IMAPListEntry: Sendable, Equatable {
    /// Attributes as sent, e.g. `\HasNoChildren`, `\Noselect`, `\Sent`, `\Subscribed`.
    public var attributes: [String]
    /// The hierarchy delimiter, `nil` for a flat name space (`NIL`).
    public var delimiter: Character?
    /// The mailbox name decoded from modified UTF-7 (as sent when it is not valid modified UTF-7).
    public var name: String
    /// The name exactly as on the wire, for commands that refer back to it.
    public var wireName: String

    public init(attributes: [String], delimiter: Character?, name: String, wireName: String) {
        self.attributes = attributes
        self.delimiter = delimiter
        self.name = name
        self.wireName = wireName
    }

    public func hasAttribute(_ attribute: String) -> Bool {
        attributes.contains { $0.caseInsensitiveCompare(attribute) }
    }

    /// `\Noselect` or `\NonExistent`: the name exists only as a hierarchy level.
    public var isSelectable: Bool { !hasAttribute("\\Noselect") && !hasAttribute("\\NonExistent") }

    /// The RFC 6154 special-use attribute, if any (`\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`, …).
    public var specialUse: String? {
        let uses = ["\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Important", "\\Junk", "\\Sent", "\\Trash"]
        return uses.first { hasAttribute($0) }
    }
}

extension String {
    /// ASCII case-insensitive comparison, as IMAP atoms are compared.
    func caseInsensitiveCompare(_ other: String) -> Bool {
        self.utf8.count == other.utf8.count
            && zip(self.utf8, other.utf8).allSatisfy { lowerASCII($0) == lowerASCII($1) }
    }
}

private func lowerASCII(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}
