import MailTransport
import MailferryCore

/// What every connection to one server endpoint needs, whatever the protocol: where it is, how TLS is
/// verified, whether plaintext logins are allowed, how long to wait, and where traces go.
struct ServerConnectionSettings: Sendable {
    var host: String
    var port: Int
    var tls: TLSSettings
    var allowPlaintextLogin: Bool
    var timeout: Duration
    var trace: (@Sendable (String) -> Void)?
    /// See `IMAPClientConfiguration.commandSent`.
    var commandSent: (@Sendable (String) -> Void)? = nil
    /// See `IMAPClientConfiguration.literalBytesSent`.
    var literalBytesSent: (@Sendable (_ sent: Int, _ total: Int) -> Void)? = nil
    /// Shared by every connection of the job (see `TLSContextCache`).
    var tlsContexts: TLSContextCache?

    var serverName: String { "\(host):\(port)" }

    var tlsOptions: TLSOptions { TLSOptions(verify: tls.verify, caFile: tls.caFile, contextCache: tlsContexts) }

    /// The job's timeout applies to a silent server; connecting gives up after at most 30 s of it.
    var timeouts: TransportTimeouts {
        let seconds = max(1, Int64(timeout.components.seconds))
        return TransportTimeouts(connect: .seconds(min(seconds, 30)), idle: .seconds(seconds))
    }

    /// Traces of several sessions interleave (auto opens POP3 and IMAP); each line names its server.
    var labelledTrace: (@Sendable (String) -> Void)? {
        guard let trace else { return nil }
        let label = serverName
        return { line in trace("\(label) \(line)") }
    }
}
