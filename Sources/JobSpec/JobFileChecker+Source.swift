import Foundation
import MailferryCore

extension JobFileChecker {
    static let sourceKeys = [
        "host", "protocol", "ports", "starttls", "tls", "allow_plaintext_login", "admin", "auth", "timeout", "provider",
        "limits",
    ]
    static let portKeys = ["imap4", "imap4s", "pop3", "pop3s"]
    static let tlsKeys = ["verify", "ca_file"]
    static let adminKeys = ["user", "password", "style", "separator"]

    mutating func checkSource(_ entry: YAMLEntry) -> SourceServer? {
        guard
            let fields = fields(
                of: entry.value, path: "source", keys: Self.sourceKeys, required: ["host"],
                keyPosition: entry.keyPosition)
        else { return nil }
        var valid = true
        func note<T>(_ value: T?) -> T? {
            if value == nil { valid = false }
            return value
        }

        var server = SourceServer(host: "")
        if let node = fields["host"], let host = note(host(node, path: "source.host")) {
            server.host = host
        } else {
            valid = false
        }
        var protocolIsKnown = true
        if let node = fields["protocol"] {
            if let value = note(enumeration(node, path: "source.protocol", as: SourceServer.MailProtocol.self)) {
                server.protocol = value
            } else {
                protocolIsKnown = false
            }
        }
        var explicitPorts: [String: YAMLNode] = [:]
        if let portsEntry = fields.entry("ports") {
            if let ports = note(
                self.fields(
                    of: portsEntry.value, path: "source.ports", keys: Self.portKeys,
                    keyPosition: portsEntry.keyPosition))
            {
                for key in Self.portKeys {
                    guard let node = ports[key], let port = note(portList(node, path: "source.ports.\(key)")) else {
                        continue
                    }
                    explicitPorts[key] = node
                    switch key {
                    case "imap4": server.ports.imap4 = port
                    case "imap4s": server.ports.imap4s = port
                    case "pop3": server.ports.pop3 = port
                    default: server.ports.pop3s = port
                    }
                }
            }
        }
        if let node = fields["starttls"],
            let value = note(enumeration(node, path: "source.starttls", as: SourceServer.StartTLSPolicy.self))
        {
            server.starttls = value
        }
        if let entry = fields.entry("tls"), let tls = note(tlsSettings(entry, path: "source.tls")) {
            server.tls = tls
        }
        if let node = fields["allow_plaintext_login"],
            let value = note(plaintextLogin(node, path: "source.allow_plaintext_login"))
        {
            server.allowPlaintextLogin = value
        }
        if let entry = fields.entry("admin") {
            server.admin = note(adminLogin(entry, path: "source.admin"))
        }
        if let entry = fields.entry("auth") {
            server.oauth2 = note(authSettings(entry, path: "source.auth"))
            valid = checkAuthExcludesAdmin(fields) && valid
        }
        if let node = fields["timeout"], let value = note(duration(node, path: "source.timeout")) {
            server.timeout = value
        }
        if let node = fields["provider"],
            let value = note(enumeration(node, path: "source.provider", as: MailProvider.self))
        {
            server.provider = value
        }
        var limits = ServerLimits()
        if let entry = fields.entry("limits"), let value = note(serverLimits(entry, path: "source.limits")) {
            limits = value
        }
        server.limits = limits.filled(from: .defaults(for: server.provider, side: .source))

        if protocolIsKnown {
            checkPortsAgainstProtocol(server, fields: fields, explicitPorts: explicitPorts, valid: &valid)
        }
        if valid, server.starttls == .never {
            checkPlaintextOnly(server, fields: fields, valid: &valid)
        }
        return valid ? server : nil
    }

    /// `admin` and `auth.oauth2` are two ways to log in; a side takes one.
    mutating func checkAuthExcludesAdmin(_ fields: Fields) -> Bool {
        guard let admin = fields.entry("admin"), let auth = fields.entry("auth") else { return true }
        let later = admin.keyPosition < auth.keyPosition ? auth : admin
        report.error(
            "'\(fields.path)' has both 'admin' and 'auth'; OAuth2 signs each mailbox in itself, keep one",
            at: later.keyPosition)
        return false
    }

    /// A protocol whose port is 0 cannot be used; `auto` needs at least one port.
    private mutating func checkPortsAgainstProtocol(
        _ server: SourceServer, fields: Fields,
        explicitPorts: [String: YAMLNode], valid: inout Bool
    ) {
        let protocolNode = fields["protocol"]
        let protocolWhere = protocolNode.map { " (source.protocol at line \($0.position.line))" } ?? ""
        switch server.protocol {
        case .auto:
            let all = [server.ports.imap4, server.ports.imap4s, server.ports.pop3, server.ports.pop3s]
            if all.allSatisfy(\.isDisabled) {
                let position =
                    protocolNode?.position ?? fields.entry("ports")?.keyPosition ?? YAMLPosition(line: 1, column: 1)
                report.error("protocol auto has no port left: every port in source.ports is 0", at: position)
                valid = false
            }
        default:
            let key = server.protocol.rawValue
            if let node = explicitPorts[key], node.scalar?.integer == 0 {
                report.error(
                    "source.ports.\(key) is 0, which disables \(key), the protocol this job uses\(protocolWhere)",
                    at: node.position)
                valid = false
            }
        }
    }

    /// Every endpoint plain and plaintext login not allowed: no login could ever happen.
    private mutating func checkPlaintextOnly(_ server: SourceServer, fields: Fields, valid: inout Bool) {
        let route = server.route
        let endpoints = route.inbox + route.folders
        guard !server.allowPlaintextLogin, !endpoints.isEmpty, endpoints.allSatisfy({ $0.security == .plain }) else {
            return
        }
        let position = fields["starttls"]?.position ?? fields["protocol"]?.position ?? YAMLPosition(line: 1, column: 1)
        report.error(
            "starttls: never leaves only unencrypted connections, where logins are refused; "
                + "set allow_plaintext_login: true if credentials may travel in clear", at: position)
        valid = false
    }

    mutating func host(_ node: YAMLNode, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        let host = text.trimmingWhitespace
        guard ValueSyntax.isValidHost(host) else {
            report.error("'\(host)' is not a hostname, IPv4 or IPv6 address", at: node.position)
            return nil
        }
        return host
    }

    mutating func port(_ node: YAMLNode, path: String, allowZero: Bool) -> Int? {
        guard let value = integer(node, path: path) else { return nil }
        let range = allowZero ? 0...65535 : 1...65535
        guard range.contains(value) else {
            let note = allowZero ? " (0 disables the protocol)" : ""
            report.error(
                "port \(value) is out of range \(range.lowerBound)...\(range.upperBound)\(note)", at: node.position)
            return nil
        }
        return value
    }

    /// A port or a list of ports tried in order; `0` alone disables the protocol.
    mutating func portList(_ node: YAMLNode, path: String) -> PortList? {
        guard case .sequence(let items) = node.content else {
            return port(node, path: path, allowZero: true).map { PortList([$0]) }
        }
        guard !items.isEmpty else {
            report.error(
                "'\(path)' is an empty list; give one port or more, or 0 to disable the protocol",
                at: node.position)
            return nil
        }
        var ports: [Int] = []
        var valid = true
        for item in items {
            guard let value = port(item, path: path, allowZero: true) else {
                valid = false
                continue
            }
            if value == 0 {
                report.error(
                    "0 disables the protocol and cannot be one of several ports in '\(path)'; "
                        + "write 0 alone or leave it out", at: item.position)
                valid = false
            } else if ports.contains(value) {
                report.error("port \(value) is listed twice in '\(path)'", at: item.position)
                valid = false
            } else {
                ports.append(value)
            }
        }
        return valid ? PortList(ports) : nil
    }

    mutating func plaintextLogin(_ node: YAMLNode, path: String) -> Bool? {
        guard let value = boolean(node, path: path) else { return nil }
        if value {
            report.warning(
                "\(path): true lets passwords travel unencrypted when the server offers no TLS",
                at: node.position)
        }
        return value
    }

    mutating func tlsSettings(_ entry: YAMLEntry, path: String) -> TLSSettings? {
        guard let fields = fields(of: entry.value, path: path, keys: Self.tlsKeys, keyPosition: entry.keyPosition)
        else { return nil }
        var settings = TLSSettings()
        var valid = true
        if let node = fields["verify"] {
            if let verify = boolean(node, path: "\(path).verify") {
                settings.verify = verify
                if !verify {
                    report.warning(
                        "\(path).verify: false accepts any certificate; trust a private CA with ca_file instead",
                        at: node.position)
                }
            } else {
                valid = false
            }
        }
        if let node = fields["ca_file"] {
            if let file = string(node, path: "\(path).ca_file") {
                let absolute = absolutePath(file)
                if fileExists(absolute) {
                    settings.caFile = absolute
                } else {
                    report.error("CA file '\(file)' not found (looked for \(absolute))", at: node.position)
                    valid = false
                }
            } else {
                valid = false
            }
        }
        return valid ? settings : nil
    }

    mutating func adminLogin(_ entry: YAMLEntry, path: String) -> AdminLogin? {
        guard
            let fields = fields(
                of: entry.value, path: path, keys: Self.adminKeys, required: ["user", "password"],
                keyPosition: entry.keyPosition)
        else { return nil }
        var user: String?
        var password: SecretReference?
        if let node = fields["user"] { user = string(node, path: "\(path).user") }
        if let node = fields["password"] { password = secretReference(node, path: "\(path).password") }
        var style = AdminLogin.Style.authzid
        var separator = "*"
        var valid = true
        if let node = fields["style"] {
            if let value = enumeration(node, path: "\(path).style", as: AdminLogin.Style.self) {
                style = value
            } else {
                valid = false
            }
        }
        if let node = fields["separator"] {
            if let value = string(node, path: "\(path).separator") { separator = value } else { valid = false }
        }
        guard valid, let user, let password else { return nil }
        return AdminLogin(user: user.trimmingWhitespace, password: password, style: style, separator: separator)
    }

    /// Relative paths are relative to the job file's folder.
    func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : (absoluteJobDirectory as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    /// Relative paths joined with the job file's folder as given, for messages and for reading.
    func displayPath(_ path: String) -> String {
        if path.hasPrefix("/") || jobDirectory.isEmpty || jobDirectory == "." { return path }
        return (jobDirectory as NSString).appendingPathComponent(path)
    }
}
