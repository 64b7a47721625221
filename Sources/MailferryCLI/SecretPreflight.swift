import Foundation
import MailferryCore

/// Before contacting any server: every `env:` admin password, OAuth2 token and client secret names a variable that is set and every
/// `file:` one a readable file. Only presence is checked; the values are read by the stores when
/// they log in. Without this, each user would fail on its own with the same missing secret.
enum SecretPreflight {
    static func check(_ job: Job, environment: [String: String]) throws(SecretResolutionError) {
        var references: [SecretReference] = []
        if let admin = job.source.admin { references.append(admin.password) }
        if case .imap(let destination) = job.destination, let admin = destination.admin {
            references.append(admin.password)
        }
        for oauth2 in [job.source.oauth2, job.destination.imapOAuth2].compactMap({ $0 }) {
            switch oauth2.source {
            case .token(let reference): references.append(reference)
            case .clientCredentials(let credentials): references.append(credentials.clientSecret)
            case .command, .serviceAccount: break
            }
        }
        let jobFolder = (job.file as NSString).deletingLastPathComponent
        for reference in references {
            switch reference {
            case .environment(let name):
                if environment[name] == nil { throw .environmentVariableMissing(name) }
            case .file(let path):
                let full =
                    path.hasPrefix("/")
                    ? path : ((jobFolder.isEmpty ? "." : jobFolder) as NSString).appendingPathComponent(path)
                if !FileManager.default.isReadableFile(atPath: full) { throw .fileUnreadable(full) }
            case .literal:
                break
            }
        }
    }
}
