import MailferryCore

extension JobFileChecker {
    static let destinationKeys = ["imap", "maildir"]
    static let imapDestinationKeys = [
        "host", "port", "security", "tls", "admin", "auth", "allow_plaintext_login", "timeout", "provider", "limits",
    ]
    static let maildirKeys = ["path"]
    static let maildirPlaceholders = ["user", "localpart", "domain"]

    mutating func checkDestination(_ entry: YAMLEntry) -> Destination? {
        guard
            let fields = fields(
                of: entry.value, path: "destination", keys: Self.destinationKeys,
                keyPosition: entry.keyPosition)
        else { return nil }
        let imap = fields.entry("imap")
        let maildir = fields.entry("maildir")
        switch (imap, maildir) {
        case (nil, nil):
            report.error("destination needs exactly one of 'imap' or 'maildir'", at: entry.keyPosition)
            return nil
        case (let imap?, let maildir?):
            let later = imap.keyPosition < maildir.keyPosition ? maildir : imap
            report.error("destination has both 'imap' and 'maildir'; keep exactly one", at: later.keyPosition)
            _ = checkIMAPDestination(imap)
            _ = checkMaildirDestination(maildir)
            return nil
        case (let imap?, nil):
            return checkIMAPDestination(imap).map { .imap($0) }
        case (nil, let maildir?):
            return checkMaildirDestination(maildir).map { .maildir($0) }
        }
    }

    private mutating func checkIMAPDestination(_ entry: YAMLEntry) -> IMAPDestination? {
        let path = "destination.imap"
        guard
            let fields = fields(
                of: entry.value, path: path, keys: Self.imapDestinationKeys, required: ["host"],
                keyPosition: entry.keyPosition)
        else { return nil }
        var valid = fields["host"] != nil
        var destination = IMAPDestination(host: "")
        if let node = fields["host"] {
            if let host = host(node, path: "\(path).host") { destination.host = host } else { valid = false }
        }
        if let node = fields["security"] {
            if let value = enumeration(node, path: "\(path).security", as: IMAPDestination.Security.self) {
                destination.security = value
            } else {
                valid = false
            }
        }
        destination.port = destination.security == .tls ? 993 : 143
        if let node = fields["port"] {
            if let port = port(node, path: "\(path).port", allowZero: false) {
                destination.port = port
            } else {
                valid = false
            }
        }
        if let tlsEntry = fields.entry("tls") {
            if let tls = tlsSettings(tlsEntry, path: "\(path).tls") { destination.tls = tls } else { valid = false }
        }
        if let adminEntry = fields.entry("admin") {
            if let admin = adminLogin(adminEntry, path: "\(path).admin") {
                destination.admin = admin
            } else {
                valid = false
            }
        }
        if let authEntry = fields.entry("auth") {
            if let settings = authSettings(authEntry, path: "\(path).auth") {
                destination.oauth2 = settings
            } else {
                valid = false
            }
            if !checkAuthExcludesAdmin(fields) { valid = false }
        }
        if let node = fields["allow_plaintext_login"] {
            if let value = plaintextLogin(node, path: "\(path).allow_plaintext_login") {
                destination.allowPlaintextLogin = value
            } else {
                valid = false
            }
        }
        if let node = fields["timeout"] {
            if let value = duration(node, path: "\(path).timeout") {
                destination.timeout = value
            } else {
                valid = false
            }
        }
        if let node = fields["provider"] {
            if let value = enumeration(node, path: "\(path).provider", as: MailProvider.self) {
                destination.provider = value
            } else {
                valid = false
            }
        }
        var limits = ServerLimits()
        if let limitsEntry = fields.entry("limits") {
            if let value = serverLimits(limitsEntry, path: "\(path).limits") { limits = value } else { valid = false }
        }
        destination.limits = limits.filled(from: .defaults(for: destination.provider, side: .destination))
        if valid, destination.security == .none, !destination.allowPlaintextLogin, let node = fields["security"] {
            report.error(
                "security: none sends passwords in clear, which is refused; "
                    + "set allow_plaintext_login: true if that is intended", at: node.position)
            valid = false
        }
        return valid ? destination : nil
    }

    private mutating func checkMaildirDestination(_ entry: YAMLEntry) -> MaildirDestination? {
        let path = "destination.maildir"
        guard
            let fields = fields(
                of: entry.value, path: path, keys: Self.maildirKeys, required: ["path"],
                keyPosition: entry.keyPosition),
            let node = fields["path"], let template = string(node, path: "\(path).path")
        else { return nil }
        var valid = true
        var placeholders: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                report.error(
                    "unclosed '{' in maildir path; placeholders are {user} {localpart} {domain}", at: node.position)
                valid = false
                break
            }
            let name = String(rest[rest.index(after: open)..<close])
            if Self.maildirPlaceholders.contains(name) {
                placeholders.append(name)
            } else {
                report.error(
                    "unknown placeholder '{\(name)}' in maildir path; use {user} {localpart} {domain}"
                        + Suggestion.hint(for: name, among: Self.maildirPlaceholders), at: node.position)
                valid = false
            }
            rest = rest[rest.index(after: close)...]
        }
        if valid, !placeholders.contains("user"), !placeholders.contains("localpart") {
            report.warning(
                "maildir path has no {user} or {localpart}: every mailbox would land in one Maildir",
                at: node.position)
        }
        return valid ? MaildirDestination(pathTemplate: absolutePath(template)) : nil
    }
}
