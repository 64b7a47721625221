import Foundation

/// `auth.oauth2` of one side (`source` or `destination.imap`): how mailboxes sign in with OAuth2
/// bearer tokens instead of passwords. Printable: it names where secrets live, never a secret.
public struct OAuth2Settings: Sendable, Hashable {
    /// The SASL mechanism; `auto` takes OAUTHBEARER when the server offers it, else XOAUTH2.
    public enum Mechanism: String, Sendable, Hashable, CaseIterable {
        case auto
        case xoauth2
        case oauthbearer
    }

    /// Where tokens come from: exactly one per side.
    public enum TokenSource: Sendable, Hashable {
        /// One bearer token for every mailbox (`env:` or `file:`).
        case token(SecretReference)
        /// A program run per mailbox (`{user}` replaced in its arguments); it prints the token.
        case command([String])
        /// Microsoft identity platform, app-only: one token for the whole job.
        case clientCredentials(ClientCredentials)
        /// Google Workspace domain-wide delegation: a JWT (RS256) per mailbox, `sub` = the mailbox.
        case serviceAccount(ServiceAccount)
    }

    public struct ClientCredentials: Sendable, Hashable {
        public static let defaultScope = "https://outlook.office365.com/.default"

        public var tenant: String?
        public var clientID: String
        public var clientSecret: SecretReference
        public var scope: String
        public var tokenURL: String

        /// - Parameter tokenURL: nil derives Microsoft's endpoint from `tenant`.
        public init(
            tenant: String?, clientID: String, clientSecret: SecretReference, scope: String? = nil,
            tokenURL: String? = nil
        ) {
            self.tenant = tenant
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.scope = scope ?? Self.defaultScope
            self.tokenURL = tokenURL ?? "https://login.microsoftonline.com/\(tenant ?? "common")/oauth2/v2.0/token"
        }
    }

    public struct ServiceAccount: Sendable, Hashable {
        public static let defaultScope = "https://mail.google.com/"
        public static let defaultTokenURL = "https://oauth2.googleapis.com/token"

        /// Absolute path of the service account's JSON key.
        public var keyFile: String
        public var scope: String
        public var tokenURL: String

        public init(keyFile: String, scope: String? = nil, tokenURL: String? = nil) {
            self.keyFile = keyFile
            self.scope = scope ?? Self.defaultScope
            self.tokenURL = tokenURL ?? Self.defaultTokenURL
        }
    }

    public var mechanism: Mechanism
    public var source: TokenSource

    public init(mechanism: Mechanism = .auto, source: TokenSource) {
        self.mechanism = mechanism
        self.source = source
    }

    /// For plans: `oauth2 (client credentials, tenant contoso.onmicrosoft.com)`.
    public var summary: String {
        let detail: String
        switch source {
        case .token(let reference): detail = "token from \(reference)"
        case .command(let argv): detail = "token command \(argv.first ?? "")"
        case .clientCredentials(let credentials):
            detail = "client credentials" + (credentials.tenant.map { ", tenant \($0)" } ?? ", \(credentials.tokenURL)")
        case .serviceAccount(let account):
            detail = "service account, key \((account.keyFile as NSString).lastPathComponent)"
        }
        let mechanismText = mechanism == .auto ? "" : ", \(mechanism.rawValue)"
        return "oauth2 (\(detail)\(mechanismText))"
    }
}
