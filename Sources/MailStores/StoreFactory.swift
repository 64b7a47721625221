import MailferryCore

/// Turns a job and one of its accounts into the stores that reach that mailbox: the source over the
/// endpoints of `job.source.route` (POP3 for INBOX and IMAP for the rest under `auto`), and the IMAP or
/// Maildir destination. Admin secrets are resolved when a store logs in, never earlier.
public struct StoreFactory: Sendable {
    public let job: Job
    public let environment: [String: String]

    /// - Parameter environment: the process environment, passed in by the CLI (for `env:` secrets).
    public init(job: Job, environment: [String: String]) {
        self.job = job
        self.environment = environment
    }

    /// Connections are opened (and logged in) only when the engine calls the connector's closures.
    public func connector(for account: Account) -> StoreConnector {
        StoreConnector(
            openSource: { throw StoreError.unreachable(server: job.source.host, reason: "source stores are not implemented yet") },
            openDestination: { throw StoreError.unreachable(server: "destination", reason: "destination stores are not implemented yet") }
        )
    }
}
