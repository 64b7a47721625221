import MailTransport
import MailferryCore
import OAuth2

/// How one mailbox logs in: with its own password, or as an administrator acting for the user.
struct ServerLogin: Sendable {
    enum Method: Sendable {
        case password(user: String, password: Secret)
        /// SASL PLAIN: authorization identity = user, authentication identity = admin (RFC 4616).
        case authzid(user: String, admin: String, password: Secret)
        /// Dovecot master user: `LOGIN "user*admin" adminpassword`.
        case separator(user: String, admin: String, separator: String, password: Secret)
        /// OAuth2: XOAUTH2 or OAUTHBEARER (nil: chosen from the capabilities) with the provider's token.
        case bearer(user: String, tokens: BearerTokenProvider, mechanism: BearerTokenSASL?)
    }

    var method: Method

    /// - Parameters:
    ///   - adminPassword: the resolved admin secret when `admin` is set.
    ///   - tokens: the side's token provider when it signs in with `auth.oauth2`; it wins over passwords.
    init(
        user: String, password: Secret?, admin: AdminLogin?, adminPassword: Secret?, tokens: BearerTokenProvider? = nil
    )
        throws(StoreError)
    {
        if let tokens {
            let mechanism: BearerTokenSASL?
            switch tokens.settings.mechanism {
            case .auto: mechanism = nil
            case .xoauth2: mechanism = .xoauth2
            case .oauthbearer: mechanism = .oauthbearer
            }
            method = .bearer(user: user, tokens: tokens, mechanism: mechanism)
        } else if let admin, let adminPassword {
            switch admin.style {
            case .authzid: method = .authzid(user: user, admin: admin.user, password: adminPassword)
            case .separator:
                method = .separator(user: user, admin: admin.user, separator: admin.separator, password: adminPassword)
            }
        } else if let password {
            method = .password(user: user, password: password)
        } else {
            throw .loginFailed(server: "", reason: "no password for \(user) in the users file")
        }
    }
}
