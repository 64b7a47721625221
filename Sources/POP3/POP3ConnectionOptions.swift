import MailTransport

/// Whether to upgrade a plain POP3 connection with STLS (RFC 2595).
public enum POP3STLSPolicy: Sendable, Equatable {
    /// Upgrade, or fail when the server does not offer STLS.
    case required
    /// Upgrade when offered; otherwise continue in clear text.
    case optional
    /// Never upgrade.
    case never
}

/// How the connection is protected.
public enum POP3Security: Sendable, Equatable {
    /// TLS from the first byte (pop3s, port 995).
    case implicitTLS
    /// Clear text first (port 110), then STLS per the policy.
    case plain(stls: POP3STLSPolicy)
}

/// Where and how to connect.
public struct POP3ConnectionOptions: Sendable {
    public var host: String
    public var port: Int
    public var security: POP3Security
    public var tls: TLSOptions
    public var timeouts: TransportTimeouts
    /// Send credentials over an unencrypted link. Off by default: a password in clear text is
    /// readable by anyone on the path.
    public var allowPlaintextLogin: Bool
    public var limits: POP3Limits

    public init(
        host: String,
        port: Int,
        security: POP3Security = .plain(stls: .required),
        tls: TLSOptions = TLSOptions(),
        timeouts: TransportTimeouts = TransportTimeouts(),
        allowPlaintextLogin: Bool = false,
        limits: POP3Limits = POP3Limits()
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.tls = tls
        self.timeouts = timeouts
        self.allowPlaintextLogin = allowPlaintextLogin
        self.limits = limits
    }
}

/// Who logs in.
public enum POP3Credentials: Sendable {
    /// USER/PASS. For Dovecot master users pass `user*admin` as the name and the admin's password.
    case userPass(user: String, password: String)
    /// AUTH PLAIN (RFC 5034, RFC 4616): authenticate as `authcid`, act as `authzid` when given
    /// (admin impersonation).
    case plain(authzid: String?, authcid: String, password: String)
    /// AUTH XOAUTH2 or OAUTHBEARER with an OAuth2 bearer token; nil mechanism chooses from CAPA.
    case bearer(user: String, token: String, mechanism: BearerTokenSASL?)

    /// The identity for messages and traces; never the password.
    public var displayName: String {
        switch self {
        case .userPass(let user, _): user
        case .plain(let authzid?, let authcid, _): "\(authzid) (as \(authcid))"
        case .plain(nil, let authcid, _): authcid
        case .bearer(let user, _, _): user
        }
    }
}
