extension IMAPClient {
    /// Whether the server keeps annotations per mailbox (RFC 5464 METADATA; METADATA-SERVER keeps
    /// only the server's own).
    public var keepsMailboxMetadata: Bool { hasCapability("METADATA") }

    /// `getmetadata = "GETMETADATA" SP mailbox SP "(" entry ")"`: the entry's value, nil when the
    /// mailbox has none.
    public func metadata(_ entry: String, of mailbox: String) async throws(IMAPError) -> [UInt8]? {
        var command = IMAPCommand("GETMETADATA")
        command.syntax("GETMETADATA ")
        command.mailbox(mailbox)
        command.syntax(" (")
        command.astring(entry)
        command.syntax(")")
        let wireName = ModifiedUTF7.encode(mailbox)
        let result = try await run(command) {
            if case .metadata(let name, _) = $0 { name == mailbox || name == wireName } else { false }
        }
        for case .metadata(_, let entries) in result.untagged {
            if let found = entries.first(where: { $0.name.lowercased() == entry.lowercased() }) { return found.value }
        }
        return nil
    }

    /// `setmetadata = "SETMETADATA" SP mailbox SP "(" entry SP value ")"`
    public func setMetadata(_ entry: String, to value: [UInt8], of mailbox: String) async throws(IMAPError) {
        var command = IMAPCommand("SETMETADATA")
        command.syntax("SETMETADATA ")
        command.mailbox(mailbox)
        command.syntax(" (")
        command.astring(entry)
        command.space()
        command.parts.append(.string(value))
        command.syntax(")")
        try await run(command)
    }
}
