/// Logging in to users' mailboxes as an administrator (a Dovecot master user or SASL authorization).
public struct AdminLogin: Sendable, Hashable {
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// SASL PLAIN with authorization identity = the user, authentication identity = admin (RFC 4616).
        case authzid
        /// `LOGIN "user<separator>admin" adminpassword`, Dovecot's master-user convention.
        case separator
    }

    public var user: String
    public var password: SecretReference
    public var style: Style
    public var separator: String

    public init(user: String, password: SecretReference, style: Style = .authzid, separator: String = "*") {
        self.user = user
        self.password = password
        self.style = style
        self.separator = separator
    }
}
