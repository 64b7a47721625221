import MailferryCore

/// Builds one user's plan from both servers, read-only. A user that cannot be reached is reported
/// in the plan (`unreachable`, with the reason) instead of failing the whole plan.
public struct UserPlanner: Sendable {
    public var rules: FolderRules
    public var options: MigrationOptions

    public init(rules: FolderRules, options: MigrationOptions) {
        self.rules = rules
        self.options = options
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
            let (endpoints, work) = try await survey(connector: connector)
            plan.endpoint = endpoints
            plan.folders = work.map(\.plan)
        } catch {
            plan.status = .unreachable
            plan.error = (error as? any UserFacingError)?.userMessage ?? "unexpected error: \(type(of: error))"
        }
        return plan
    }

    private func survey(connector: StoreConnector) async throws -> (UserPlan.Endpoints, [FolderWork]) {
        let source = try await connector.openSource()
        let destination: any DestinationStore
        do {
            destination = try await connector.openDestination()
        } catch {
            await source.close()
            throw error
        }
        do {
            let work = try await FolderSurvey(rules: rules, options: options)
                .survey(source: source, destination: destination)
            await source.close()
            await destination.close()
            return (source.endpoints, work)
        } catch {
            await source.close()
            await destination.close()
            throw error
        }
    }
}
