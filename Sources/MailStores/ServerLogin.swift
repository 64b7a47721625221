import MailferryCore

/// How one mailbox logs in: with its own password, or as an administrator acting for the user.
struct ServerLogin: Sendable {
    enum Method: Sendable {
        case password(user: String, password: Secret)
        /// SASL PLAIN: authorization identity = user, authentication identity = admin (RFC 4616).
        case authzid(user: String, admin: String, password: Secret)
        /// Dovecot master user: `LOGIN "user*admin" adminpassword`.
        case separator(user: String, admin: String, separator: String, password: Secret)
    }

    var method: Method

    /// - Parameter adminPassword: the resolved admin secret when `admin` is set.
    init(user: String, password: Secret?, admin: AdminLogin?, adminPassword: Secret?) throws(StoreError) {
        if let admin, let adminPassword {
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
