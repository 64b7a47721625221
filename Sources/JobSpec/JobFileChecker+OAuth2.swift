import Foundation
import MailferryCore

extension JobFileChecker {
    static let authKeys = ["oauth2"]
    static let oauth2Keys = ["mechanism", "token", "token_command", "client_credentials", "service_account"]
    static let tokenSourceKeys = ["token", "token_command", "client_credentials", "service_account"]
    static let clientCredentialsKeys = ["tenant", "client_id", "client_secret", "scope", "token_url"]
    static let serviceAccountKeys = ["key_file", "scope", "token_url"]

    /// `auth` of `source` or `destination.imap` (SPEC section 5): `oauth2` with a mechanism and exactly
    /// one token source. Files are checked (a key's shape, a command's program); nothing secret is read
    /// into a message.
    mutating func authSettings(_ entry: YAMLEntry, path: String) -> OAuth2Settings? {
        guard
            let fields = fields(
                of: entry.value, path: path, keys: Self.authKeys, required: ["oauth2"],
                keyPosition: entry.keyPosition),
            let oauth2 = fields.entry("oauth2")
        else { return nil }
        return oauth2Settings(oauth2, path: "\(path).oauth2")
    }

    private mutating func oauth2Settings(_ entry: YAMLEntry, path: String) -> OAuth2Settings? {
        guard let fields = fields(of: entry.value, path: path, keys: Self.oauth2Keys, keyPosition: entry.keyPosition)
        else { return nil }
        var valid = true
        var mechanism = OAuth2Settings.Mechanism.auto
        if let node = fields["mechanism"] {
            if let value = enumeration(node, path: "\(path).mechanism", as: OAuth2Settings.Mechanism.self) {
                mechanism = value
            } else {
                valid = false
            }
        }
        let given = Self.tokenSourceKeys.compactMap { fields.entry($0) }.sorted { $0.keyPosition < $1.keyPosition }
        guard let first = given.first else {
            report.error(
                "'\(path)' needs exactly one of token, token_command, client_credentials or service_account",
                at: entry.keyPosition)
            return nil
        }
        for extra in given.dropFirst() {
            report.error(
                "'\(path)' has both '\(first.key)' and '\(extra.key)'; keep exactly one token source",
                at: extra.keyPosition)
            valid = false
        }
        let source: OAuth2Settings.TokenSource?
        switch first.key {
        case "token": source = staticToken(first.value, path: "\(path).token")
        case "token_command": source = tokenCommand(first.value, path: "\(path).token_command")
        case "client_credentials": source = clientCredentials(first, path: "\(path).client_credentials")
        default: source = serviceAccount(first, path: "\(path).service_account")
        }
        guard valid, let source else { return nil }
        return OAuth2Settings(mechanism: mechanism, source: source)
    }

    private mutating func staticToken(_ node: YAMLNode, path: String) -> OAuth2Settings.TokenSource? {
        if let scalar = node.scalar, scalar.kind == .string, !scalar.text.hasPrefix("env:"),
            !scalar.text.hasPrefix("file:")
        {
            report.error(
                "'\(path)' must be env:NAME or file:PATH; a token written into the job file is refused",
                at: node.position)
            return nil
        }
        return secretReference(node, path: path).map { .token($0) }
    }

    private mutating func tokenCommand(_ node: YAMLNode, path: String) -> OAuth2Settings.TokenSource? {
        guard let items = list(node, path: path) else { return nil }
        guard !items.isEmpty else {
            report.error(
                "'\(path)' must name a program: [program, argument, ...] with {user} for the mailbox",
                at: node.position)
            return nil
        }
        var argv: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = string(item, path: "\(path)[\(index)]", allowEmpty: index > 0) else { return nil }
            argv.append(text)
        }
        let lookup = ProgramLookup(path: searchPath, directory: absoluteJobDirectory)
        guard lookup.executable(argv[0]) != nil else {
            let place = argv[0].contains("/") ? "(looked for \(absolutePath(argv[0])))" : "in PATH"
            report.error(
                "token_command program '\(argv[0])' not found or not executable \(place)", at: items[0].position)
            return nil
        }
        return .command(argv)
    }

    private mutating func clientCredentials(_ entry: YAMLEntry, path: String) -> OAuth2Settings.TokenSource? {
        guard
            let fields = fields(
                of: entry.value, path: path, keys: Self.clientCredentialsKeys,
                required: ["client_id", "client_secret"], keyPosition: entry.keyPosition)
        else { return nil }
        var valid = true
        func text(_ key: String) -> String? {
            guard let node = fields[key] else { return nil }
            let value = string(node, path: "\(path).\(key)")?.trimmingWhitespace
            if value == nil { valid = false }
            return value
        }
        let tenant = text("tenant")
        let clientID = text("client_id")
        let scope = text("scope")
        let tokenURL = checkedTokenURL(fields["token_url"], path: "\(path).token_url", valid: &valid)
        var secret: SecretReference?
        if let node = fields["client_secret"] {
            secret = secretReference(node, path: "\(path).client_secret")
            if secret == nil { valid = false }
        }
        if tenant == nil, fields["token_url"] == nil {
            report.error("'\(path)' needs 'tenant' (the Microsoft Entra tenant) or 'token_url'", at: entry.keyPosition)
            valid = false
        }
        guard valid, let clientID, let secret else { return nil }
        return .clientCredentials(
            .init(
                tenant: tenant, clientID: clientID, clientSecret: secret, scope: scope,
                tokenURL: tokenURL))
    }

    private mutating func serviceAccount(_ entry: YAMLEntry, path: String) -> OAuth2Settings.TokenSource? {
        guard
            let fields = fields(
                of: entry.value, path: path, keys: Self.serviceAccountKeys, required: ["key_file"],
                keyPosition: entry.keyPosition)
        else { return nil }
        var valid = true
        var scope: String?
        if let node = fields["scope"] {
            scope = string(node, path: "\(path).scope")?.trimmingWhitespace
            if scope == nil { valid = false }
        }
        let tokenURL = checkedTokenURL(fields["token_url"], path: "\(path).token_url", valid: &valid)
        var keyFile: String?
        if let node = fields["key_file"], let file = string(node, path: "\(path).key_file") {
            let absolute = absolutePath(file)
            if !fileExists(absolute) {
                report.error("service account key '\(file)' not found (looked for \(absolute))", at: node.position)
            } else {
                do {
                    _ = try ServiceAccountKey.load(path: absolute)
                    keyFile = absolute
                    if let mode = (try? FileManager.default.attributesOfItem(atPath: absolute))?[.posixPermissions]
                        as? NSNumber, mode.intValue & 0o044 != 0
                    {
                        report.warning(
                            "service account key '\(file)' is readable by group or others (mode "
                                + "\(String(mode.intValue & 0o777, radix: 8))) but holds a private key; run chmod 600 on it",
                            at: node.position)
                    }
                } catch {
                    report.error(
                        "service account key '\(file)' \(error.message); download the service account's "
                            + "JSON key again from the Google Cloud console", at: node.position)
                }
            }
        }
        guard valid, let keyFile else { return nil }
        return .serviceAccount(.init(keyFile: keyFile, scope: scope, tokenURL: tokenURL))
    }

    /// https, or plain http to a loopback address (with a warning): the form carries a secret.
    private mutating func checkedTokenURL(_ node: YAMLNode?, path: String, valid: inout Bool) -> String? {
        guard let node else { return nil }
        guard let text = string(node, path: path)?.trimmingWhitespace else {
            valid = false
            return nil
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http"
        else {
            report.error("'\(path)' is not an https:// URL", at: node.position)
            valid = false
            return nil
        }
        if scheme == "http" {
            guard ["127.0.0.1", "::1", "localhost"].contains(host.lowercased()) else {
                report.error(
                    "'\(path)' must use https://; plain http would send the client secret or assertion "
                        + "unencrypted (allowed only for a loopback address)", at: node.position)
                valid = false
                return nil
            }
            report.warning(
                "'\(path)' uses plain http to a loopback address; use https outside tests", at: node.position)
        }
        return text
    }
}
