/// Job-file blocks that reach a test server over IMAPS with its self-signed CA, so that tests
/// write only what is particular to them. Each block starts at column 0 and has no final newline:
/// interpolate it at the start of a line of the job's text.
extension DovecotServer {
    /// `source:` over implicit TLS only.
    public func imapsSourceYAML(timeout: String = "20s") -> String {
        """
        source:
          host: \(host)
          protocol: imap4s
          ports: { imap4s: \(imapsPort) }
          tls: { ca_file: \(caFile) }
          timeout: \(timeout)
        """
    }

    /// `destination: imap:` over implicit TLS, logging in as the master user `admin` whose password is
    /// in the environment variable `adminVariable` (Dovecot's `user*admin` separator style).
    public func imapsDestinationYAML(adminVariable: String) -> String {
        """
        destination:
          imap:
            host: \(host)
            port: \(imapsPort)
            security: tls
            tls: { ca_file: \(caFile) }
            admin: { user: admin, password: env:\(adminVariable), style: separator, separator: "*" }
        """
    }
}
