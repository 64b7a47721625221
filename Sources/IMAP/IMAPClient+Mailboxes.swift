extension IMAPClient {
    /// RFC 2342 NAMESPACE; `nil` when the server does not support it.
    public func namespaces() async throws(IMAPError) -> IMAPNamespaces? {
        guard hasCapability("NAMESPACE") else { return nil }
        let result = try await run(IMAPCommand("NAMESPACE", [.syntax("NAMESPACE")])) {
            if case .namespace = $0 { true } else { false }
        }
        for case .namespace(let namespaces) in result.untagged { return namespaces }
        return nil
    }

    /// Every mailbox with its attributes, special use and subscription.
    ///
    /// With LIST-EXTENDED: `LIST "" "*" RETURN (SUBSCRIBED [SPECIAL-USE])` (RFC 5258, RFC 6154).
    /// Otherwise `LIST "" "*"` and `LSUB "" "*"`, pipelined, with `\Subscribed` added from LSUB.
    public func listMailboxes() async throws(IMAPError) -> [IMAPListEntry] {
        let isList: (IMAPUntaggedResponse) -> Bool = { if case .list = $0 { true } else { false } }
        if hasCapability("LIST-EXTENDED") {
            let options = hasCapability("SPECIAL-USE") ? "SUBSCRIBED SPECIAL-USE" : "SUBSCRIBED"
            let result = try await run(
                IMAPCommand("LIST", [.syntax("LIST \"\" \"*\" RETURN (\(options))")]), accepts: isList)
            return result.untagged.compactMap { if case .list(let entry) = $0 { entry } else { nil } }
        }
        let list = try await send(IMAPCommand("LIST", [.syntax("LIST \"\" \"*\"")]), accepts: isList)
        let lsub = try await send(IMAPCommand("LSUB", [.syntax("LSUB \"\" \"*\"")])) {
            if case .lsub = $0 { true } else { false }
        }
        let entries = try await complete(list).untagged.compactMap {
            if case .list(let entry) = $0 { entry } else { nil }
        }
        let subscribed = Set(
            try await complete(lsub).untagged.compactMap {
                if case .lsub(let entry) = $0 { entry.wireName } else { nil }
            })
        return entries.map { entry in
            var entry = entry
            if subscribed.contains(entry.wireName), !entry.hasAttribute("\\Subscribed") {
                entry.attributes.append("\\Subscribed")
            }
            return entry
        }
    }

    /// `status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"` for MESSAGES UIDNEXT
    /// UIDVALIDITY, and HIGHESTMODSEQ when CONDSTORE is offered. Safe to call concurrently (pipelined).
    public func status(_ mailbox: String) async throws(IMAPError) -> IMAPMailboxStatus {
        var command = IMAPCommand("STATUS")
        command.syntax("STATUS ")
        command.mailbox(mailbox)
        command.syntax(
            hasCapability("CONDSTORE")
                ? " (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)" : " (MESSAGES UIDNEXT UIDVALIDITY)")
        let wireName = ModifiedUTF7.encode(mailbox)
        let result = try await run(command) {
            if case .status(let name, _) = $0 { name == mailbox || name == wireName } else { false }
        }
        for case .status(_, let status) in result.untagged { return status }
        throw .protocolError("no STATUS response for \(mailbox)")
    }

    /// SELECT (read-write) a mailbox.
    public func select(_ mailbox: String) async throws(IMAPError) -> IMAPSelectedMailbox {
        try await open(mailbox, command: "SELECT")
    }

    /// EXAMINE (read-only) a mailbox: nothing in it changes, not even `\Recent` or `\Seen`.
    public func examine(_ mailbox: String) async throws(IMAPError) -> IMAPSelectedMailbox {
        try await open(mailbox, command: "EXAMINE")
    }

    /// `select = "SELECT" SP mailbox [SP "(" select-param ")"]` with CONDSTORE (RFC 7162) when offered,
    /// so HIGHESTMODSEQ is reported.
    private func open(_ mailbox: String, command name: String) async throws(IMAPError) -> IMAPSelectedMailbox {
        var command = IMAPCommand(name)
        command.syntax(name + " ")
        command.mailbox(mailbox)
        if hasCapability("CONDSTORE") { command.syntax(" (CONDSTORE)") }
        let result = try await run(command) { response in
            switch response {
            case .exists, .recent, .flags, .condition(.ok, _), .condition(.no, _): true
            default: false
            }
        }
        var selected = IMAPSelectedMailbox(name: mailbox, isReadOnly: name == "EXAMINE")
        var codes = result.untagged.compactMap { response -> IMAPResponseCode? in
            switch response {
            case .exists(let count):
                selected.exists = count
            case .recent(let count):
                selected.recent = count
            case .flags(let flags):
                selected.flags = flags
            case .condition(_, let text):
                return text.code
            default:
                break
            }
            return nil
        }
        if let code = result.tagged.text.code { codes.append(code) }
        for code in codes {
            switch code {
            case .uidValidity(let value): selected.uidValidity = value
            case .uidNext(let value): selected.uidNext = value
            case .highestModSeq(let value): selected.highestModSeq = value
            case .permanentFlags(let flags): selected.permanentFlags = flags
            case .readOnly: selected.isReadOnly = true
            case .readWrite: selected.isReadOnly = false
            default: break
            }
        }
        state = .selected(mailbox)
        return selected
    }

    /// `create = "CREATE" SP mailbox`
    public func create(_ mailbox: String) async throws(IMAPError) {
        var command = IMAPCommand("CREATE")
        command.syntax("CREATE ")
        command.mailbox(mailbox)
        try await run(command)
    }

    /// `rename = "RENAME" SP mailbox SP mailbox`: the folder keeps its messages, UIDs and children.
    public func rename(_ mailbox: String, to newName: String) async throws(IMAPError) {
        var command = IMAPCommand("RENAME")
        command.syntax("RENAME ")
        command.mailbox(mailbox)
        command.space()
        command.mailbox(newName)
        try await run(command)
    }

    /// `subscribe = "SUBSCRIBE" SP mailbox`
    public func subscribe(_ mailbox: String) async throws(IMAPError) {
        var command = IMAPCommand("SUBSCRIBE")
        command.syntax("SUBSCRIBE ")
        command.mailbox(mailbox)
        try await run(command)
    }
}
