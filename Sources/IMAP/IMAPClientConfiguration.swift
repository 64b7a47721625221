import MailTransport
import NIOCore

/// Whether to upgrade a plain connection with STARTTLS.
public enum STARTTLSPolicy: String, Sendable, Equatable {
    /// Fail unless STARTTLS succeeds.
    case required
    /// Use STARTTLS when offered, else stay unencrypted.
    case optional
    /// Never try.
    case never
}

/// How to reach the server.
public enum IMAPConnectionSecurity: Sendable, Equatable {
    /// TLS from the first byte (port 993).
    case implicitTLS
    /// Plain port (143) with a STARTTLS policy.
    case plain(starttls: STARTTLSPolicy)
}

/// Everything an `IMAPClient` needs to open a session.
public struct IMAPClientConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var security: IMAPConnectionSecurity
    public var tls: TLSOptions
    public var timeouts: TransportTimeouts
    /// Deadline for a whole command (counted from when it is sent); `nil` leaves only the idle timeout.
    public var commandTimeout: TimeAmount?
    /// Allow LOGIN/AUTHENTICATE on a connection without TLS.
    public var allowPlaintextLogin: Bool
    public var limits: IMAPLimits
    /// Receives each command's redacted trace and each response line summary; never a password.
    public var trace: (@Sendable (String) -> Void)?
    /// Called with a command's name once its last byte was handed to the kernel, before its
    /// response is read: the moment a crash leaves the server to finish the command alone.
    /// For observers such as the crash-test aid; nil in normal runs.
    public var commandSent: (@Sendable (String) -> Void)?
    /// Called each time a chunk of a streamed literal (an APPEND's message) was handed to the kernel,
    /// with how many of the literal's bytes went out so far and its size. While set, every chunk is
    /// written as it comes instead of being gathered into larger writes, so that the count is exact.
    /// For observers such as the crash-test aid; nil in normal runs.
    public var literalBytesSent: (@Sendable (_ sent: Int, _ total: Int) -> Void)?

    public init(
        host: String, port: Int, security: IMAPConnectionSecurity, tls: TLSOptions = TLSOptions(),
        timeouts: TransportTimeouts = TransportTimeouts(), commandTimeout: TimeAmount? = nil,
        allowPlaintextLogin: Bool = false, limits: IMAPLimits = IMAPLimits(),
        trace: (@Sendable (String) -> Void)? = nil, commandSent: (@Sendable (String) -> Void)? = nil,
        literalBytesSent: (@Sendable (_ sent: Int, _ total: Int) -> Void)? = nil
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.tls = tls
        self.timeouts = timeouts
        self.commandTimeout = commandTimeout
        self.allowPlaintextLogin = allowPlaintextLogin
        self.limits = limits
        self.trace = trace
        self.commandSent = commandSent
        self.literalBytesSent = literalBytesSent
    }
}
