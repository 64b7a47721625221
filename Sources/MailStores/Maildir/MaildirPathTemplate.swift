import MailferryCore

/// Why a destination user cannot be turned into a Maildir path.
public enum MaildirPathError: UserFacingError, Equatable {
    /// The substituted value would leave the template's directory or name a hidden entry.
    case unsafeUser(user: String, placeholder: String, reason: String)
    /// The template uses `{domain}` but the user has no "@domain".
    case missingDomain(user: String)
    /// A `{...}` that is not one of `{user}`, `{localpart}`, `{domain}`.
    case unknownPlaceholder(template: String, placeholder: String)
    /// The expanded path is not absolute, or empty.
    case notAbsolute(path: String)

    public var userMessage: String {
        switch self {
        case .unsafeUser(let user, let placeholder, let reason):
            return "refusing Maildir path for destination user \"\(user.escapedForMessage)\": "
                + "{\(placeholder)} \(reason) — the path must stay inside the template's directory; "
                + "fix the user name in the users file"
        case .missingDomain(let user):
            return "destination user \"\(user.escapedForMessage)\" has no domain for {domain} in the Maildir path — "
                + "give users as local@domain or set users.destination_domain"
        case .unknownPlaceholder(let template, let placeholder):
            return "unknown placeholder {\(placeholder)} in Maildir path \"\(template)\" — "
                + "use {user}, {localpart} or {domain}"
        case .notAbsolute(let path):
            return "the Maildir path \"\(path)\" is not absolute — write destination.maildir.path as an absolute path"
        }
    }
}

/// `destination.maildir.path` with `{user}`, `{localpart}` and `{domain}` (split at the last "@").
/// A substituted value never contains "/", NUL, is never ".." and never starts with ".", so the
/// expanded path always stays below the template's fixed directory and never names a Maildir++ folder.
struct MaildirPathTemplate: Sendable {
    var template: String

    func expand(user: String) throws(MaildirPathError) -> String {
        let at = user.lastIndex(of: "@")
        let localpart = at.map { String(user[..<$0]) } ?? user
        let domain = at.map { String(user[user.index(after: $0)...]) }

        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                result += rest[open...]
                rest = ""
                break
            }
            let placeholder = String(rest[rest.index(after: open)..<close])
            let value: String
            switch placeholder {
            case "user": value = user
            case "localpart": value = localpart
            case "domain":
                guard let domain, !domain.isEmpty else { throw .missingDomain(user: user) }
                value = domain
            default: throw .unknownPlaceholder(template: template, placeholder: placeholder)
            }
            try Self.check(value, user: user, placeholder: placeholder)
            result += value
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        guard result.hasPrefix("/") else { throw .notAbsolute(path: result) }
        return result
    }

    private static func check(_ value: String, user: String, placeholder: String) throws(MaildirPathError) {
        if let reason = refusal(of: value) {
            throw .unsafeUser(user: user, placeholder: placeholder, reason: reason)
        }
    }

    private static func refusal(of value: String) -> String? {
        if value.isEmpty { return "would be empty" }
        if value.contains("/") { return "would contain \"/\"" }
        if value.unicodeScalars.contains("\u{0}") { return "would contain a NUL byte" }
        if value.contains("..") { return "would contain \"..\"" }
        if value.hasPrefix(".") { return "would start with \".\"" }
        return nil
    }
}

extension String {
    /// Control characters shown escaped so that an error message stays on one line.
    fileprivate var escapedForMessage: String {
        unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
    }
}
