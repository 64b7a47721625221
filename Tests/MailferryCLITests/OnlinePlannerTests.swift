import MailferryCore
import Synchronization
import Testing

@testable import MailferryCLI

@Suite struct OnlinePlannerTests {
    /// `plan` over many users keeps only their plans: the allocator's free pages go back after each
    /// user, as in `apply`, so that the peak does not creep up with the number of users.
    @Test func trimsTheHeapOnceAfterEachPlannedUser() async throws {
        // Both servers on 127.0.0.1 port 1, where nothing listens: every user is planned at once, unreachable.
        let job = Job(
            name: "trim", nameIsDerived: false, file: "jobs/trim.yaml",
            source: SourceServer(
                host: "127.0.0.1", protocol: .imap4s, ports: .init(imap4: 0, imap4s: 1, pop3: 0, pop3s: 0)),
            destination: .imap(IMAPDestination(host: "127.0.0.1", port: 1)),
            folders: FolderRules(),
            usersFile: UsersFileSettings(path: "users.csv", resolvedPath: "/tmp/users.csv", destinationDomain: nil),
            options: MigrationOptions(), accounts: PlanSamples.accounts)
        let trims = Atomic(0)
        var planner = OnlinePlanner(job: job, environment: [:])
        planner.trimHeap = { trims.add(1, ordering: .relaxed) }
        let collector = UserPlanCollector(count: job.accounts.count)
        let plan = collector.plan(
            try await planner.plan(accounts: job.accounts, digest: "d", concurrency: 2, into: collector))
        #expect(plan.users.map(\.status) == [.unreachable, .unreachable])
        #expect(trims.load(ordering: .relaxed) == 2)
    }
}
