import NIOSSL

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
    /// PEM file with the CA certificates to trust, instead of the system trust store.
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

extension TLSOptions {
    /// The client TLS configuration for these options: TLS 1.2 or later, full verification unless
    /// turned off, the CA file's certificates instead of the system store when one is named. Mail
    /// connections and the OAuth2 token endpoint verify alike.
    public func clientConfiguration() throws(TransportError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = verify ? .fullVerification : .none
        if let caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else {
                    throw TransportError.tlsConfiguration("no certificate in CA file \(caFile)")
                }
                // The CA file replaces the system store: an admin who names a private CA means "this CA",
                // not "this CA as well as every public one".
                configuration.trustRoots = .certificates(certificates)
            } catch let error as TransportError {
                throw error
            } catch {
                throw .tlsConfiguration("cannot read CA file \(caFile) as PEM certificates")
            }
        }
        return configuration
    }
}
