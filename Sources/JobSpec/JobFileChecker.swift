import Foundation
import MailferryCore

/// Walks a job file's YAML tree, checks every key against SPEC section 2, and builds the pieces of
/// a `Job`. Every problem becomes a diagnostic at its value (or key); checking never stops early.
struct JobFileChecker {
    /// What the job file says, before the users file is read. Parts are nil where the file was wrong.
    struct Contents {
        var name: String?
        var namePosition: YAMLPosition?
        var source: SourceServer?
        var destination: Destination?
        var folders: FolderRules?
        var users: UsersFileSettings?
        var usersFilePosition: YAMLPosition?
        /// False when `users.delimiter` is wrong: the users file cannot be split then.
        var delimiterIsUsable = true
        var options: MigrationOptions?
    }

    static let rootKeys = ["version", "name", "source", "destination", "folders", "users", "options"]

    /// Directory of the job file as given (for paths shown to the user) and absolute (for files read).
    let jobDirectory: String
    let absoluteJobDirectory: String
    var report: DiagnosticCollector
    /// Whether a path (absolute) names an existing file; injectable for tests.
    let fileExists: (String) -> Bool
    /// PATH as the CLI read it, where `token_command` programs are looked up.
    let searchPath: String?

    init(
        jobFile: String, jobDirectory: String, absoluteJobDirectory: String, fileExists: @escaping (String) -> Bool,
        searchPath: String? = nil
    ) {
        self.searchPath = searchPath
        self.jobDirectory = jobDirectory
        self.absoluteJobDirectory = absoluteJobDirectory
        self.report = DiagnosticCollector(file: jobFile)
        self.fileExists = fileExists
    }

    mutating func check(root: YAMLNode?) -> Contents {
        var contents = Contents()
        guard let root else {
            report.error(
                "job file is empty; it needs at least version, source, destination and users",
                at: YAMLPosition(line: 1, column: 1))
            return contents
        }
        guard
            let fields = fields(
                of: root, path: "", keys: Self.rootKeys,
                required: ["version", "source", "destination", "users"], keyPosition: root.position)
        else { return contents }

        if let version = fields["version"], let value = integer(version, path: "version"), value != 1 {
            report.error(
                "unsupported version \(value); this mailferry reads job files of version 1", at: version.position)
        }
        if let name = fields["name"], !name.isNull, let text = string(name, path: "name", allowEmpty: true) {
            // Blank means "derive one"; anything else must match exactly (it names a directory).
            if !text.trimmingWhitespace.isEmpty {
                if ValueSyntax.isValidJobName(text) {
                    contents.name = text
                } else {
                    report.error("job name '\(text)' must be 1 to 64 of A-Z a-z 0-9 . _ -", at: name.position)
                }
            }
            contents.namePosition = name.position
        }
        if let source = fields.entry("source") { contents.source = checkSource(source) }
        if let destination = fields.entry("destination") { contents.destination = checkDestination(destination) }
        contents.folders = checkFolders(fields.entry("folders"), source: contents.source)
        if let users = fields.entry("users") {
            (contents.users, contents.usersFilePosition, contents.delimiterIsUsable) = checkUsers(users)
        }
        contents.options = checkOptions(fields.entry("options"))
        return contents
    }

    // MARK: - Typed access with diagnostics

    /// The entries of a mapping, first occurrence of each key. Reports a non-mapping, duplicate keys,
    /// unknown keys (with a suggestion) and missing required keys (at `keyPosition`, the key holding it).
    mutating func fields(
        of node: YAMLNode, path: String, keys: [String], required: [String] = [],
        keyPosition: YAMLPosition
    ) -> Fields? {
        guard case .mapping(let entries) = node.content else {
            report.error("expected a mapping\(Self.naming(path)), found \(node.kindDescription)", at: node.position)
            return nil
        }
        var byKey: [String: YAMLEntry] = [:]
        for entry in uniqueEntries(entries, path: path) {
            guard keys.contains(entry.key) else {
                let place = path.isEmpty ? "at the top level" : "in '\(path)'"
                report.error(
                    "unknown key '\(entry.key)' \(place)\(Suggestion.hint(for: entry.key, among: keys))",
                    at: entry.keyPosition)
                continue
            }
            byKey[entry.key] = entry
        }
        for key in required where byKey[key] == nil {
            let place = path.isEmpty ? "the job file" : "'\(path)'"
            report.error("missing required key '\(key)' in \(place)", at: keyPosition)
        }
        return Fields(path: path, entries: byKey)
    }

    /// Entries with later duplicates reported and dropped (libyaml accepts duplicate keys silently).
    mutating func uniqueEntries(_ entries: [YAMLEntry], path: String) -> [YAMLEntry] {
        var first: [String: YAMLPosition] = [:]
        var unique: [YAMLEntry] = []
        for entry in entries {
            if let earlier = first[entry.key] {
                report.error(
                    "duplicate key '\(entry.key)'\(Self.naming(path)) (first at line \(earlier.line), column \(earlier.column))",
                    at: entry.keyPosition)
                continue
            }
            first[entry.key] = entry.keyPosition
            unique.append(entry)
        }
        return unique
    }

    mutating func string(_ node: YAMLNode, path: String, allowEmpty: Bool = false) -> String? {
        guard let scalar = node.scalar, scalar.kind == .string || scalar.kind == .timestamp else {
            let hint = node.scalar != nil && !node.isNull ? " (put it in quotes if it is meant as text)" : ""
            report.error("expected a string for '\(path)', found \(node.kindDescription)\(hint)", at: node.position)
            return nil
        }
        if !allowEmpty, scalar.text.trimmingWhitespace.isEmpty {
            report.error("'\(path)' must not be empty", at: node.position)
            return nil
        }
        return scalar.text
    }

    mutating func integer(_ node: YAMLNode, path: String) -> Int? {
        guard let scalar = node.scalar, scalar.kind == .integer else {
            report.error("expected an integer for '\(path)', found \(node.kindDescription)", at: node.position)
            return nil
        }
        guard let value = scalar.integer else {
            report.error("'\(path)' is too large", at: node.position)
            return nil
        }
        return value
    }

    mutating func boolean(_ node: YAMLNode, path: String) -> Bool? {
        guard let scalar = node.scalar, scalar.kind == .boolean, let value = scalar.boolean else {
            report.error("expected true or false for '\(path)', found \(node.kindDescription)", at: node.position)
            return nil
        }
        return value
    }

    mutating func enumeration<Value: RawRepresentable & CaseIterable>(
        _ node: YAMLNode, path: String,
        as type: Value.Type
    ) -> Value? where Value.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        if let value = Value(rawValue: text) { return value }
        let names = Value.allCases.map(\.rawValue)
        report.error(
            "'\(text)' is not a valid '\(path)'; expected one of \(names.joined(separator: ", "))"
                + Suggestion.hint(for: text, among: names), at: node.position)
        return nil
    }

    mutating func list(_ node: YAMLNode, path: String) -> [YAMLNode]? {
        guard case .sequence(let items) = node.content else {
            report.error("expected a list for '\(path)', found \(node.kindDescription)", at: node.position)
            return nil
        }
        return items
    }

    /// `120s`, `2m`, or a number of seconds; must be positive.
    mutating func duration(_ node: YAMLNode, path: String) -> Duration? {
        let parsed: Duration?
        if let scalar = node.scalar, scalar.kind == .integer {
            parsed = scalar.integer.map { .seconds($0) }
        } else if let scalar = node.scalar, scalar.kind == .string {
            parsed = ValueSyntax.duration(scalar.text)
        } else {
            report.error(
                "expected a duration for '\(path)' such as 120s, 2m or 90, found \(node.kindDescription)",
                at: node.position)
            return nil
        }
        guard let parsed else {
            report.error(
                "'\(node.scalar?.text ?? "")' is not a duration; write it like 120s, 2m, 1h or 90 (seconds)",
                at: node.position)
            return nil
        }
        guard parsed > .zero else {
            report.error("'\(path)' must be longer than 0 seconds", at: node.position)
            return nil
        }
        return parsed
    }

    /// A secret reference; a literal value is a warning and never appears in a message.
    mutating func secretReference(_ node: YAMLNode, path: String) -> SecretReference? {
        guard let scalar = node.scalar, scalar.kind != .null else {
            report.error(
                "expected env:NAME or file:PATH for '\(path)', found \(node.kindDescription)", at: node.position)
            return nil
        }
        // A number or boolean written as password is still a (literal) secret; do not echo it.
        let reference = SecretReference(parsing: scalar.text)
        switch reference {
        case .environment(let name):
            let valid =
                !name.isEmpty && name.unicodeScalars.first.map { !("0"..."9").contains($0) } == true
                && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "_" }
            if !valid {
                report.error(
                    "'\(path)': env: needs an environment variable name of letters, digits and _", at: node.position)
                return nil
            }
        case .file(let file):
            if file.isEmpty {
                report.error("'\(path)': file: needs the path of a file holding the secret", at: node.position)
                return nil
            }
        case .literal(let secret):
            if secret.isEmpty {
                report.error("'\(path)' must not be empty; use env:NAME or file:PATH", at: node.position)
                return nil
            }
            report.warning("literal secret in job file; use env:NAME or file:PATH", at: node.position)
        }
        return reference
    }

    /// ` for 'path'` or "" at the top level.
    static func naming(_ path: String) -> String { path.isEmpty ? "" : " for '\(path)'" }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// The checked entries of one mapping.
struct Fields {
    let path: String
    let entries: [String: YAMLEntry]

    subscript(key: String) -> YAMLNode? { entries[key]?.value }

    func entry(_ key: String) -> YAMLEntry? { entries[key] }

    func path(_ key: String) -> String { JobFileChecker.join(path, key) }
}
