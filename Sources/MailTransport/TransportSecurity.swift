/// How the connection is protected from its first byte.
public enum TransportSecurity: Sendable, Equatable {
    /// TLS from the first byte (IMAPS 993, POP3S 995).
    case implicitTLS
    /// Clear text; may be upgraded later with `MailConnection.startTLS()` (STARTTLS, STLS).
    case plain
}

/// Certificate checks for TLS. Verification is on unless explicitly turned off.
public struct TLSOptions: Sendable, Equatable {
    /// Verify the certificate chain and the host name. `false` accepts any certificate (insecure).
    public var verify: Bool
    /// PEM file with extra trusted CA certificates, added to the system trust store.
    public var caFile: String?
    /// Where the TLS context for these settings is kept for other connections; nil builds one per
    /// connection. Not part of equality: it changes how, not what, is verified.
    public var contextCache: TLSContextCache?

    public init(verify: Bool = true, caFile: String? = nil, contextCache: TLSContextCache? = nil) {
        self.verify = verify
        self.caFile = caFile
        self.contextCache = contextCache
    }

    public static func == (lhs: TLSOptions, rhs: TLSOptions) -> Bool {
        lhs.verify == rhs.verify && lhs.caFile == rhs.caFile
    }
}
