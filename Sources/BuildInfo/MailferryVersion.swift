/// What ran: the release version (the one place it is written) and, for development builds, the
/// git commit (`BuildCommit.swift`, generated before each build by Plugins/BuildCommitPlugin).
/// `mailferry --version`, the head of `status`, every user's log and the container image's labels
/// all show `description`, so an admin can say exactly which mailferry ran.
public enum MailferryVersion {
    /// Semantic version; a pre-release suffix ("-dev") marks a development build.
    public static let release = "0.2.0-dev"

    /// A development build, whose description names the commit.
    public static var isDevelopment: Bool { release.contains("-") }

    /// "mailferry 0.2.0-dev (commit 1a2b3c4d5e6f)", "... (commit 1a2b3c4d5e6f, modified)",
    /// "... (unknown commit)"; a release build is "mailferry 0.2.0".
    public static var description: String {
        describe(release: release, commit: commit, modified: modified)
    }

    static func describe(release: String, commit: String?, modified: Bool) -> String {
        guard release.contains("-") else { return "mailferry \(release)" }
        guard let commit else { return "mailferry \(release) (unknown commit)" }
        return "mailferry \(release) (commit \(commit)\(modified ? ", modified" : ""))"
    }
}
