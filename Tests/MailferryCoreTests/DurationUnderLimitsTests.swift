import Foundation
import MailferryCore
import Testing

@Suite struct DurationUnderLimitsTests {
    let none = DurationUnderLimits.Side(limits: ServerLimits(), provider: .generic)

    @Test func gmailUploadBudgetCountsWholeDays() throws {
        let gmail = DurationUnderLimits.Side(
            limits: .defaults(for: .gmail, side: .destination), provider: .gmail)
        let bytes: Int64 = 1_932_735_283  // 1.8 GiB
        let estimate = try #require(
            DurationUnderLimits.estimate(messages: 9_000, bytes: bytes, source: none, destination: gmail))
        #expect(estimate.seconds == 4 * 86_400)
        #expect(estimate.limit == .bytesPerDay)
        #expect(estimate.side == "destination")
        #expect(estimate.value == 500_000_000)
    }

    @Test func theSlowestLimitOfEitherSideDecides() throws {
        let source = DurationUnderLimits.Side(limits: ServerLimits(messagesPerSecond: 10), provider: .exchange)
        let destination = DurationUnderLimits.Side(limits: ServerLimits(bytesPerSecond: 1_000_000), provider: .generic)
        let byMessages = try #require(
            DurationUnderLimits.estimate(messages: 1_000, bytes: 50_000_000, source: source, destination: destination))
        #expect(byMessages.seconds == 100)
        #expect(byMessages.limit == .messagesPerSecond)
        let byBytes = try #require(
            DurationUnderLimits.estimate(messages: 100, bytes: 500_000_000, source: source, destination: destination))
        #expect(byBytes.seconds == 500)
        #expect(byBytes.side == "destination")
        #expect(DurationUnderLimits.estimate(messages: 0, bytes: 0, source: source, destination: destination) == nil)
        #expect(DurationUnderLimits.estimate(messages: 5, bytes: 5, source: none, destination: none) == nil)
    }

    /// A mailbox with 10 messages of `bytes` in all to copy.
    static func user(_ name: String, bytes: Int64) -> UserPlan {
        UserPlan(
            sourceUser: name, destinationUser: name, status: .ready, endpoint: .init(inbox: nil, folders: nil),
            candidates: [],
            folders: [
                FolderPlan(
                    source: "INBOX", destination: "INBOX", action: .update, reason: "", messagesToCopy: 10,
                    bytesToCopy: bytes, messagesPresent: 0, flagsToUpdate: 0, messagesSkipped: 0)
            ])
    }

    @Test func theJobRunsMailboxesInParallelButNeverFasterThanTheSlowest() throws {
        var plan = MigrationPlan(
            job: .init(name: "j", file: "j.yaml", digest: "d"), offline: false,
            users: [
                Self.user("a", bytes: 400), Self.user("b", bytes: 100), Self.user("c", bytes: 100),
                Self.user("d", bytes: 200),
            ])
        let perSecond = DurationUnderLimits.Side(limits: ServerLimits(bytesPerSecond: 1), provider: .generic)
        plan.estimateDurations(source: none, destination: perSecond, parallel: 2)
        #expect(plan.users.map { $0.durationUnderLimits?.seconds } == [400, 100, 100, 200])
        #expect(plan.durationUnderLimits?.seconds == 400)
        #expect(plan.durationUnderLimits?.bytes == 800)
        plan.estimateDurations(source: none, destination: perSecond, parallel: 1)
        #expect(plan.durationUnderLimits?.seconds == 800)
    }

    @Test func theServerWideRateBindsTheJobWhenItIsTighterThanTheMailboxes() throws {
        var plan = MigrationPlan(
            job: .init(name: "j", file: "j.yaml", digest: "d"), offline: false,
            users: [Self.user("a", bytes: 400), Self.user("b", bytes: 300), Self.user("c", bytes: 300)])
        // Each mailbox 4 bytes a second, the server 5 for all: 1000 bytes take 200 s, not 100 s.
        let shared = DurationUnderLimits.Side(
            limits: ServerLimits(bytesPerSecond: 4, server: ServerWideLimits(bytesPerSecond: 5)), provider: .generic)
        plan.estimateDurations(source: none, destination: shared, parallel: 3)
        // One mailbox alone: its own limit is the tighter one.
        #expect(plan.users.map { $0.durationUnderLimits?.seconds } == [100, 75, 75])
        #expect(plan.users.map { $0.durationUnderLimits?.scope } == [.account, .account, .account])
        let job = try #require(plan.durationUnderLimits)
        #expect(job.seconds == 200)
        #expect(job.scope == .server)
        #expect(job.limit == .bytesPerSecond)
        #expect(job.value == 5)
        #expect(job.bytes == 1_000)

        // A generous server rate leaves the mailboxes' own limits binding.
        let roomy = DurationUnderLimits.Side(
            limits: ServerLimits(bytesPerSecond: 4, server: ServerWideLimits(bytesPerSecond: 50)), provider: .generic)
        plan.estimateDurations(source: none, destination: roomy, parallel: 3)
        #expect(plan.durationUnderLimits?.seconds == 100)
        #expect(plan.durationUnderLimits?.scope == .account)

        // A server-wide daily budget counts the job's bytes, whole days.
        let daily = DurationUnderLimits.Side(
            limits: ServerLimits(server: ServerWideLimits(bytesPerDay: 450)), provider: .generic)
        plan.estimateDurations(source: daily, destination: none, parallel: 3)
        #expect(plan.durationUnderLimits?.seconds == 259_200)  // 3 days
        #expect(plan.durationUnderLimits?.side == "source")
        #expect(plan.durationUnderLimits?.limit == .bytesPerDay)
        #expect(plan.durationUnderLimits?.scope == .server)
    }

    /// `plan` estimates users as they finish, in any order: of equally slow mailboxes the first in the
    /// plan names the job's binding limit, as in order, so that two plans of the same state are the same.
    @Test func anEstimateInAnyOrderEqualsTheOneInOrder() throws {
        // b and c take 300 s each, b for its bytes on the source, c for its messages on the destination.
        var b = Self.user("b", bytes: 300)
        b.folders[0].messagesToCopy = 10
        var c = Self.user("c", bytes: 10)
        c.folders[0].messagesToCopy = 300
        let users = [Self.user("a", bytes: 100), b, c]
        let source = DurationUnderLimits.Side(limits: ServerLimits(bytesPerSecond: 1), provider: .generic)
        let destination = DurationUnderLimits.Side(limits: ServerLimits(messagesPerSecond: 1), provider: .generic)
        var inOrder = MigrationPlan(job: .init(name: "j", file: "j.yaml", digest: "d"), offline: false, users: users)
        inOrder.estimateDurations(source: source, destination: destination, parallel: 2)
        let expected = try #require(inOrder.durationUnderLimits)
        for order in [[2, 1, 0], [1, 2, 0], [0, 2, 1]] {
            var estimator = DurationEstimator(source: source, destination: destination, parallel: 2)
            var estimated = users
            for index in order { estimator.estimate(&estimated[index], at: index) }
            #expect(estimated == inOrder.users, "order \(order)")
            #expect(estimator.jobDuration(summary: inOrder.summary) == expected, "order \(order)")
        }
        #expect(expected.seconds == 350)
        #expect(expected.side == "source")
        #expect(expected.limit == .bytesPerSecond)
    }

    @Test func aPlanWithoutScopeReadsAsAccount() throws {
        let json =
            #"{"bytes":5,"limit":"bytes_per_second","messages":1,"provider":"generic","seconds":5,"side":"source","value":1}"#
        let decoded = try JSONDecoder().decode(DurationUnderLimits.self, from: Data(json.utf8))
        #expect(decoded.scope == .account)
        #expect(decoded.seconds == 5)
    }
}
