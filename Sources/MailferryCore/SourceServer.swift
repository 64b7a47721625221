import Foundation

/// The server mail is moved from, and how to reach it.
public struct SourceServer: Sendable, Hashable {
    public enum MailProtocol: String, Sendable, Hashable, CaseIterable {
        /// INBOX over POP3, every other folder over IMAP4, as hosted "migrate users" tools do.
        case auto
        case imap4
        case imap4s
        case pop3
        case pop3s
    }

    public enum StartTLSPolicy: String, Sendable, Hashable, CaseIterable {
        case required
        case optional
        case never
    }

    /// The ports of each protocol, tried in order; 0 disables that protocol.
    public struct Ports: Sendable, Hashable {
        public var imap4: PortList
        public var imap4s: PortList
        public var pop3: PortList
        public var pop3s: PortList

        public init(imap4: PortList = 143, imap4s: PortList = 993, pop3: PortList = 110, pop3s: PortList = 995) {
            self.imap4 = imap4
            self.imap4s = imap4s
            self.pop3 = pop3
            self.pop3s = pop3s
        }
    }

    public var host: String
    public var `protocol`: MailProtocol
    public var ports: Ports
    public var starttls: StartTLSPolicy
    public var tls: TLSSettings
    public var allowPlaintextLogin: Bool
    public var admin: AdminLogin?
    /// `auth.oauth2`: mailboxes sign in with bearer tokens; the users file's passwords are not used.
    public var oauth2: OAuth2Settings?
    /// Applies to connecting and to a server that stays silent while a command is in flight.
    public var timeout: Duration
    /// `provider`: its folder conventions and default `limits`.
    public var provider: MailProvider
    /// `limits`, with the provider's defaults filled in.
    public var limits: ServerLimits

    public init(
        host: String, protocol: MailProtocol = .auto, ports: Ports = Ports(), starttls: StartTLSPolicy = .required,
        tls: TLSSettings = TLSSettings(), allowPlaintextLogin: Bool = false, admin: AdminLogin? = nil,
        timeout: Duration = .seconds(120), provider: MailProvider = .generic, limits: ServerLimits = ServerLimits()
    ) {
        self.host = host
        self.protocol = `protocol`
        self.ports = ports
        self.starttls = starttls
        self.tls = tls
        self.allowPlaintextLogin = allowPlaintextLogin
        self.admin = admin
        self.timeout = timeout
        self.provider = provider
        self.limits = limits
    }
}
