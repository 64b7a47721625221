import MailferryCore

/// `plan --offline`: what the job says, without contacting a server. For each account, the source
/// endpoints in the order they are tried, the destination account, and the folder rules as rows:
/// - one `noop` row per translation (reason "translate"), in file order;
/// - one `skip` row per skip glob (reason "skip rule"), in file order;
/// - when only INBOX can move (a POP3 source), a single `noop` row INBOX -> INBOX instead, since
///   folder rules do not apply to POP3.
/// No row is `create` or `update`: those need the servers' folder lists (online planning).
struct OfflinePlanner {
    static let translateReason = "translate"
    static let skipReason = "skip rule"
    static let inboxOnlyReason = "POP3 source: only INBOX moves"

    var job: Job

    /// Each user's plan goes to `sink`, as online. Returns the plan's head: the plan without its users,
    /// its summary counting them.
    func plan(accounts: [Account], digest: String, into sink: some UserPlanSink) throws(CLIError) -> MigrationPlan {
        let route = job.source.route
        let endpoint = route.expectedEndpoints
        let candidates = route.candidates
        let folders = folderRows(route: route)
        var summary = PlanSummary()
        for (index, account) in accounts.enumerated() {
            let user = UserPlan(
                sourceUser: account.sourceUser, destinationUser: account.destinationUser, status: .offline,
                endpoint: endpoint, candidates: candidates, folders: folders)
            summary.add(user)
            try sink.store(user, at: index)
        }
        var head = MigrationPlan(job: job.planReference(digest: digest), offline: true, users: [], signIn: signIn)
        head.summary = summary
        return head
    }

    /// `oauth2 (…)` per side that signs in with OAuth2; nil when both sides use passwords.
    private var signIn: [String: String]? {
        var sides: [String: String] = [:]
        sides["source"] = job.source.oauth2?.summary
        sides["destination"] = job.destination.imapOAuth2?.summary
        return sides.isEmpty ? nil : sides
    }

    private func folderRows(route: SourceRoute) -> [FolderPlan] {
        if route.folders.isEmpty {
            return [FolderPlan(source: "INBOX", destination: "INBOX", action: .noop, reason: Self.inboxOnlyReason)]
        }
        let translations = job.folders.translate.map { rule in
            FolderPlan(source: rule.source, destination: rule.destination, action: .noop, reason: Self.translateReason)
        }
        let skips = job.folders.skip.map { glob in
            FolderPlan(source: glob, destination: nil, action: .skip, reason: Self.skipReason)
        }
        return translations + skips
    }
}
