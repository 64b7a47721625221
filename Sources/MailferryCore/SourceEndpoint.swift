/// One way to reach the source: a protocol on a port with a TLS mode.
public struct SourceEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case imap
        case pop3
    }

    public enum Security: String, Sendable, Hashable {
        /// TLS from the first byte (993, 995).
        case implicitTLS = "tls"
        /// Plain connection upgraded with STARTTLS/STLS; refused if the server does not offer it.
        case startTLSRequired = "starttls"
        /// STARTTLS/STLS when offered, else plain (credentials then need `allow_plaintext_login`).
        case startTLSOptional = "starttls-optional"
        /// Never upgraded.
        case plain
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    public var security: Security

    public init(kind: Kind, host: String, port: Int, security: Security) {
        self.kind = kind
        self.host = host
        self.port = port
        self.security = security
    }

    /// The job-file protocol name this endpoint corresponds to (`imap4s`, `pop3`, ...).
    public var protocolName: String {
        switch (kind, security) {
        case (.imap, .implicitTLS): return "imap4s"
        case (.imap, _): return "imap4"
        case (.pop3, .implicitTLS): return "pop3s"
        case (.pop3, _): return "pop3"
        }
    }

    /// e.g. `imap4s://mail.old.example:993 (tls)`; IPv6 hosts are bracketed.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(protocolName)://\(shownHost):\(port) (\(security.rawValue))"
    }
}

/// The endpoints a source user is reached through, in the order they are tried.
/// INBOX and the other folders may travel over different protocols (`protocol: auto`).
public struct SourceRoute: Sendable, Hashable {
    /// Endpoints for INBOX, tried in order; a refused connection falls through to the next.
    public var inbox: [SourceEndpoint]
    /// Endpoints for every other folder; empty when only INBOX can move (POP3).
    public var folders: [SourceEndpoint]

    public init(inbox: [SourceEndpoint], folders: [SourceEndpoint]) {
        self.inbox = inbox
        self.folders = folders
    }

    /// True when INBOX and the other folders share one IMAP session.
    public var inboxUsesFolderEndpoints: Bool { inbox == folders }

    /// What a plan shows before anything is contacted: the first endpoint for INBOX and for the rest.
    public var expectedEndpoints: UserPlan.Endpoints {
        UserPlan.Endpoints(inbox: inbox.first?.description, folders: folders.first?.description)
    }

    /// Every endpoint once, in the order tried.
    public var candidates: [String] {
        var seen: [String] = []
        for endpoint in inbox + folders where !seen.contains(endpoint.description) {
            seen.append(endpoint.description)
        }
        return seen
    }
}

extension SourceServer {
    /// The documented order: implicit-TLS ports first, then the plain ports (STARTTLS per `starttls`),
    /// each protocol's ports in the order listed; protocols set to 0 are never tried. `auto`: INBOX over POP3 (IMAP when POP3 is disabled),
    /// other folders over IMAP (none when IMAP is disabled).
    public var route: SourceRoute {
        let plainSecurity: SourceEndpoint.Security
        switch starttls {
        case .required: plainSecurity = .startTLSRequired
        case .optional: plainSecurity = .startTLSOptional
        case .never: plainSecurity = .plain
        }
        func endpoints(_ kind: SourceEndpoint.Kind, _ ports: PortList, _ security: SourceEndpoint.Security)
            -> [SourceEndpoint]
        {
            ports.ports.map { SourceEndpoint(kind: kind, host: host, port: $0, security: security) }
        }
        let imaps = endpoints(.imap, ports.imap4s, .implicitTLS)
        let imap = endpoints(.imap, ports.imap4, plainSecurity)
        let pop3s = endpoints(.pop3, ports.pop3s, .implicitTLS)
        let pop3 = endpoints(.pop3, ports.pop3, plainSecurity)

        switch self.protocol {
        case .imap4:
            return SourceRoute(inbox: imap, folders: imap)
        case .imap4s:
            return SourceRoute(inbox: imaps, folders: imaps)
        case .pop3:
            return SourceRoute(inbox: pop3, folders: [])
        case .pop3s:
            return SourceRoute(inbox: pop3s, folders: [])
        case .auto:
            let imapList = imaps + imap
            let popList = pop3s + pop3
            return SourceRoute(inbox: popList.isEmpty ? imapList : popList, folders: imapList)
        }
    }
}
