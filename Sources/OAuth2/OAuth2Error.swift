/// Why no token could be had, each message saying what the admin must fix. Messages never hold a
/// token, a client secret or a private key; a server's `error_description` is quoted, shortened.
public enum OAuth2Error: Error, Sendable, Equatable {
    /// `invalid_client`: the client id or secret (or the key) is wrong or expired.
    case invalidClient(endpoint: String, description: String)
    /// `unauthorized_client`: the app or service account may not use this grant (no admin consent,
    /// no domain-wide delegation for this scope).
    case unauthorizedClient(endpoint: String, description: String)
    /// The grant for one mailbox was refused (`invalid_grant`, `access_denied`): that user only.
    case mailboxNotPermitted(user: String, description: String)
    /// Any other refusal of the token endpoint, with its HTTP status and OAuth2 `error`.
    case tokenRequestRefused(endpoint: String, status: Int, error: String, description: String)
    /// No HTTP answer: name, connection, TLS or timeout.
    case endpointUnreachable(endpoint: String, reason: String)
    /// An answer that is not a token response.
    case invalidResponse(endpoint: String, reason: String)
    /// `env:`/`file:` of a token or client secret could not be resolved.
    case secretUnavailable(String)
    /// The service account key could not be read or used.
    case keyUnusable(path: String, reason: String)
    /// `token_command` failed, timed out or printed nothing.
    case commandFailed(program: String, reason: String)

    public var userMessage: String {
        switch self {
        case .invalidClient(let endpoint, let description):
            return "OAuth2 client rejected (invalid_client) by \(endpoint)\(Self.quoted(description)): the client id "
                + "or client secret is wrong or expired; in Microsoft Entra ID > App registrations > Certificates & "
                + "secrets create a new client secret and update client_secret (Google: create a new key for the "
                + "service account)"
        case .unauthorizedClient(let endpoint, let description):
            return "OAuth2 delegation not granted (unauthorized_client) by \(endpoint)\(Self.quoted(description)): "
                + "in the Google Admin console > Security > API controls > Domain-wide delegation, add the service "
                + "account's client ID with the job's scope (Microsoft: grant admin consent for the IMAP.AccessAsApp "
                + "or POP.AccessAsApp permission)"
        case .mailboxNotPermitted(let user, let description):
            return "OAuth2 mailbox not permitted: no token for \(user)\(Self.quoted(description)); check that the "
                + "mailbox exists and that the delegation covers it (Google: user in the domain, IMAP enabled; "
                + "Microsoft: Add-MailboxPermission -AccessRights FullAccess for the app's service principal)"
        case .tokenRequestRefused(let endpoint, let status, let error, let description):
            return
                "OAuth2 token request refused by \(endpoint) (HTTP \(status), \(error.isEmpty ? "no error code" : error))"
                + "\(Self.quoted(description)); check tenant, client_id, scope and token_url in the job file"
        case .endpointUnreachable(let endpoint, let reason):
            return "OAuth2 token endpoint unreachable: \(endpoint): \(reason); check token_url, the network path to it "
                + "and tls.ca_file"
        case .invalidResponse(let endpoint, let reason):
            return "OAuth2 token endpoint \(endpoint) sent no usable token: \(reason); check token_url"
        case .secretUnavailable(let reason):
            return "OAuth2 secret unavailable: \(reason)"
        case .keyUnusable(let path, let reason):
            return "OAuth2 service account key \(path) \(reason); download a new JSON key for the service account"
        case .commandFailed(let program, let reason):
            return "OAuth2 token_command \(program) failed: \(reason)"
        }
    }

    private static func quoted(_ description: String) -> String {
        description.isEmpty ? "" : " (\"\(description)\")"
    }
}

extension OAuth2Error: CustomStringConvertible {
    public var description: String { userMessage }
}
