/// Where mail lands: an IMAP server or a Maildir++ tree on this machine.
public enum Destination: Sendable, Hashable {
    case imap(IMAPDestination)
    case maildir(MaildirDestination)

    /// The IMAP destination's `provider`; a Maildir is a generic store.
    public var provider: MailProvider {
        if case .imap(let destination) = self { return destination.provider }
        return .generic
    }

    /// The IMAP destination's `limits`; a Maildir has none.
    public var limits: ServerLimits {
        if case .imap(let destination) = self { return destination.limits }
        return ServerLimits()
    }

    /// The IMAP destination's `auth.oauth2`, if it has one.
    public var imapOAuth2: OAuth2Settings? {
        if case .imap(let destination) = self { return destination.oauth2 }
        return nil
    }
}

public struct IMAPDestination: Sendable, Hashable {
    public enum Security: String, Sendable, Hashable, CaseIterable {
        case tls
        case starttls
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var tls: TLSSettings
    /// Without an admin each mailbox logs in with the `local_password` from the users file.
    public var admin: AdminLogin?
    /// `auth.oauth2`: mailboxes sign in with bearer tokens; the users file's passwords are not used.
    public var oauth2: OAuth2Settings?
    public var allowPlaintextLogin: Bool
    public var timeout: Duration
    /// `provider`: its folder conventions, message size cap and default `limits`.
    public var provider: MailProvider
    /// `limits`, with the provider's defaults filled in.
    public var limits: ServerLimits

    public init(
        host: String, port: Int = 993, security: Security = .tls, tls: TLSSettings = TLSSettings(),
        admin: AdminLogin? = nil, allowPlaintextLogin: Bool = false, timeout: Duration = .seconds(120),
        provider: MailProvider = .generic, limits: ServerLimits = ServerLimits()
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.tls = tls
        self.admin = admin
        self.allowPlaintextLogin = allowPlaintextLogin
        self.timeout = timeout
        self.provider = provider
        self.limits = limits
    }
}

public struct MaildirDestination: Sendable, Hashable {
    /// Path template with `{user}`, `{localpart}` and `{domain}` placeholders.
    public var pathTemplate: String

    public init(pathTemplate: String) {
        self.pathTemplate = pathTemplate
    }
}
