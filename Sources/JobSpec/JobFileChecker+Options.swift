import MailferryCore

extension JobFileChecker {
    static let usersKeys = ["file", "delimiter", "destination_domain"]
    static let optionKeys = [
        "concurrency", "since", "max_message_size", "flags", "retries", "deletions", "restore_deleted",
    ]

    /// The users-file settings, the position of `users.file`, and whether the delimiter can be used.
    mutating func checkUsers(_ entry: YAMLEntry) -> (UsersFileSettings?, YAMLPosition?, Bool) {
        guard
            let fields = fields(
                of: entry.value, path: "users", keys: Self.usersKeys, required: ["file"],
                keyPosition: entry.keyPosition)
        else { return (nil, nil, false) }
        var delimiter: Character = ","
        var delimiterIsUsable = true
        if let node = fields["delimiter"] {
            if let text = string(node, path: "users.delimiter", allowEmpty: true) {
                let forbidden: Set<Unicode.Scalar> = ["\"", "\n", "\r"]
                if text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first, !forbidden.contains(scalar) {
                    delimiter = Character(scalar)
                } else {
                    report.error(
                        "users.delimiter must be exactly one character other than a quote or line break, "
                            + "such as \",\" or \";\"", at: node.position)
                    delimiterIsUsable = false
                }
            } else {
                delimiterIsUsable = false
            }
        }
        var domain: String?
        if let node = fields["destination_domain"], let text = string(node, path: "users.destination_domain") {
            let trimmed = text.trimmingWhitespace
            if trimmed.hasPrefix("@") || !ValueSyntax.isValidHost(trimmed) {
                report.error(
                    "users.destination_domain must be a domain such as new.example, without '@'", at: node.position)
            } else {
                domain = trimmed
            }
        }
        guard let fileNode = fields["file"], let file = string(fileNode, path: "users.file") else {
            return (nil, nil, delimiterIsUsable)
        }
        let settings = UsersFileSettings(
            path: file, resolvedPath: displayPath(file), delimiter: delimiter,
            destinationDomain: domain)
        // Errors above are already reported; the users file is still read unless the delimiter is unusable.
        return (settings, fileNode.position, delimiterIsUsable)
    }

    mutating func checkOptions(_ entry: YAMLEntry?) -> MigrationOptions? {
        guard let entry else { return MigrationOptions() }
        guard
            let fields = fields(of: entry.value, path: "options", keys: Self.optionKeys, keyPosition: entry.keyPosition)
        else { return nil }
        var options = MigrationOptions()
        var valid = true
        if let node = fields["concurrency"] {
            if let value = integer(node, path: "options.concurrency"), value >= 1 {
                options.concurrency = value
            } else {
                if node.scalar?.integer != nil {
                    report.error("options.concurrency must be at least 1", at: node.position)
                }
                valid = false
            }
        }
        if let node = fields["since"] {
            if let text = string(node, path: "options.since") {
                if let day = CalendarDay(parsing: text.trimmingWhitespace) {
                    options.since = day
                } else {
                    report.error("'\(text)' is not a day; write options.since as YYYY-MM-DD", at: node.position)
                    valid = false
                }
            } else {
                valid = false
            }
        }
        if let node = fields["max_message_size"] {
            if let size = size(node, path: "options.max_message_size") {
                options.maxMessageSize = size
            } else {
                valid = false
            }
        }
        if let node = fields["flags"] {
            if let value = boolean(node, path: "options.flags") { options.flags = value } else { valid = false }
        }
        if let node = fields["retries"] {
            if let value = integer(node, path: "options.retries"), value >= 0 {
                options.retries = value
            } else {
                if node.scalar?.integer != nil { report.error("options.retries must be 0 or more", at: node.position) }
                valid = false
            }
        }
        if let node = fields["deletions"] {
            if let value = enumeration(node, path: "options.deletions", as: DeletionPolicy.self) {
                options.deletions = value
            } else {
                valid = false
            }
        }
        if let node = fields["restore_deleted"] {
            if let value = boolean(node, path: "options.restore_deleted") {
                options.restoreDeleted = value
            } else {
                valid = false
            }
        }
        return valid ? options : nil
    }

    /// `35MB`, `10MiB`, `500KB` or a number of bytes; at least 1 byte.
    mutating func size(_ node: YAMLNode, path: String) -> Int64? {
        let size: Int64?
        if let scalar = node.scalar, scalar.kind == .integer {
            size = scalar.integer.map(Int64.init)
        } else if let scalar = node.scalar, scalar.kind == .string {
            size = ValueSyntax.size(scalar.text)
            if size == nil {
                report.error(
                    "'\(scalar.text)' is not a size; write it like 35MB, 10MiB, 500KB or a number of bytes",
                    at: node.position)
                return nil
            }
        } else {
            report.error("expected a size for '\(path)' such as 35MB, found \(node.kindDescription)", at: node.position)
            return nil
        }
        guard let size, size >= 1 else {
            report.error("\(path) must be at least 1 byte", at: node.position)
            return nil
        }
        return size
    }
}
