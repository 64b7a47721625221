import Ledger
import MailferryCore

/// Builds one user's plan from both servers, read-only, through the same `FolderPass.prepare` that
/// `apply` runs before it acts. A user that cannot be reached is reported in the plan
/// (`unreachable`, with the reason) instead of failing the whole plan.
public struct UserPlanner: Sendable {
    public var rules: FolderRules
    public var options: MigrationOptions
    /// The job's state, read only: folders unchanged since their last complete sync are shown as
    /// such without being listed, exactly as `apply` skips them. Nil: every folder is listed.
    public var ledger: Ledger?

    public init(rules: FolderRules, options: MigrationOptions, ledger: Ledger? = nil) {
        self.rules = rules
        self.options = options
        self.ledger = ledger
    }

    /// - Parameters:
    ///   - expectedEndpoint: shown when the source cannot be reached (the first endpoints tried).
    ///   - candidates: every endpoint in the order tried.
    public func plan(
        account: Account, connector: StoreConnector, expectedEndpoint: UserPlan.Endpoints, candidates: [String]
    ) async -> UserPlan {
        var plan = UserPlan(
            sourceUser: account.sourceUser, destinationUser: account.destinationUser, status: .ready,
            endpoint: expectedEndpoint, candidates: candidates, folders: [])
        do {
            let (endpoints, work) = try await survey(connector: connector, pair: account.pair)
            plan.endpoint = endpoints
            plan.folders = work.map(\.plan)
            plan.syncBaseline = try ledger?.hasBaseline(account.pair) ?? false
        } catch {
            plan.status = .unreachable
            plan.error = (error as? any UserFacingError)?.userMessage ?? "unexpected error: \(type(of: error))"
        }
        return plan
    }

    private func survey(connector: StoreConnector, pair: MailboxPair) async throws -> (UserPlan.Endpoints, [FolderWork])
    {
        try await connector.withStores { source, destination in
            let work = try await FolderSurvey(
                rules: rules, options: options, state: ledger.map { (ledger: $0, pair: pair) }
            )
            .survey(source: source, destination: destination)
            return (source.endpoints, work)
        }
    }
}
