import Foundation
import MailferryCore
import Synchronization
import Testing

@testable import MailStores

/// A clock that only moves when slept on: rates are measured without waiting.
final class ManualLimitClock: LimitClock {
    private let time = Mutex<Double>(0)
    private let sleeps = Mutex<[Double]>([])

    func now() -> Double { time.withLock { $0 } }

    func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        sleeps.withLock { $0.append(seconds) }
        time.withLock { $0 += seconds }
    }

    var slept: [Double] { sleeps.withLock { $0 } }
}

@Suite struct TrafficLimitsTests {
    func message(size: Int64) -> MessageSummary {
        MessageSummary(
            uid: 1, sourceKey: "1:1", size: size, internalDate: InternalDate(secondsSince1970: 0), flags: .none,
            identity: .unread(size: size))
    }

    @Test func messagesPerSecondHoldsOverARun() async throws {
        let clock = ManualLimitClock()
        let pacer = TrafficPacer(limits: ServerLimits(messagesPerSecond: 5), clock: clock)
        for _ in 0..<55 { try await pacer.admit(message(size: 100)) }
        // A second's worth (5) goes at once, the other 50 at 5 a second: 10 s, never sooner.
        #expect(abs(clock.now() - 10) < 1e-9)
        // Smooth: no pause longer than one message's share.
        #expect(clock.slept.allSatisfy { $0 <= 0.2 + 1e-9 })
    }

    @Test func bytesPerSecondCountsEachMessagesSize() async throws {
        let clock = ManualLimitClock()
        let pacer = TrafficPacer(limits: ServerLimits(bytesPerSecond: 1_000), clock: clock)
        try await pacer.admit(message(size: 1_000))  // the saved-up second
        try await pacer.admit(message(size: 3_000))
        try await pacer.admit(message(size: 500))
        #expect(abs(clock.now() - 3.5) < 1e-9)
    }

    @Test func idleTimeSavesUpAtMostOneSecond() {
        let bucket = TokenBucket(rate: 10)
        #expect(bucket.reserve(10, now: 0) == 0)
        // A minute idle buys one second's worth, not sixty.
        #expect(bucket.reserve(10, now: 60) == 0)
        #expect(abs(bucket.reserve(10, now: 60) - 1) < 1e-9)
    }

    @Test func mailboxesShareTheServerWideBucketButNotEachOthers() async throws {
        let clock = ManualLimitClock()
        let limits = ServerLimits(bytesPerSecond: 1_000, server: ServerWideLimits(bytesPerSecond: 1_000))
        let server = try #require(ServerTraffic(limits: limits.server, daily: nil))
        let alice = TrafficPacer(limits: limits, clock: clock, server: server)
        let bob = TrafficPacer(limits: limits, clock: clock, server: server)
        try await alice.admit(message(size: 1_000))  // the server's saved-up second
        #expect(clock.now() == 0)
        // bob's own bucket is full, but the server's is spent: bob waits for it.
        try await bob.admit(message(size: 1_000))
        #expect(abs(clock.now() - 1) < 1e-9)
        #expect(ServerTraffic(limits: ServerWideLimits(), daily: nil) == nil)
    }

    @Test func aServerWideBudgetThatIsUsedUpGivesTheMailboxItsBytesBack() async throws {
        let now: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }
        let mailbox = DailyBudget(limit: 1_000, side: .destination, provider: .generic, file: nil, now: now)
        let shared = DailyBudget(
            limit: 500, side: .destination, provider: .generic, serverWide: true, file: nil, now: now)
        let server = ServerTraffic(limits: ServerWideLimits(bytesPerDay: 500), daily: shared)
        let pacer = TrafficPacer(limits: ServerLimits(), clock: ManualLimitClock(), daily: mailbox, server: server)
        try await pacer.admit(message(size: 400))
        await #expect(
            throws: StoreError.budgetExhausted(
                side: "whole destination server", limit: 500, provider: "generic",
                resumeAt: Date(timeIntervalSince1970: 1_800_086_400))
        ) { try await pacer.admit(message(size: 400)) }
        // The refused message did not count against the mailbox: 600 more still fit its own day.
        try mailbox.spend(600)
    }

    /// Connections open at once, as the holders of the gate's places count them.
    final class OpenCount: Sendable {
        let state = Mutex<(now: Int, peak: Int)>((0, 0))

        func add(_ count: Int) {
            state.withLock { state in
                state.now += count
                state.peak = max(state.peak, state.now)
            }
        }

        var now: Int { state.withLock { $0.now } }
        var peak: Int { state.withLock { $0.peak } }
    }

    @Test func aRefusalWhileOthersAreConnectedLowersTheCapToThem() async throws {
        let gate = ConnectionGate(limit: nil)  // no `connections`: counts only
        for _ in 0..<3 { await gate.acquire(1) }
        await gate.connected(1)
        // The third is refused while the second still connects: it waits to see what the server took.
        let refusal = Task { await gate.failed(holding: 1, refused: true) }
        await gate.connected(1)
        #expect(await refusal.value == 2)
        #expect(await gate.limit == 2)
        let waiter = Task { await gate.acquire(2) }  // an auto session: only the cap's worth fits
        await gate.release(1)
        await gate.release(1)
        #expect(await waiter.value == 2)
        #expect(await gate.peak == 3)
    }

    @Test func refusalsWithNothingConnectedAreNotTheServersCap() async throws {
        // A wrong port: every session is refused, none connected; none waits for the other forever.
        let gate = ConnectionGate(limit: 4)
        await gate.acquire(1)
        await gate.acquire(1)
        async let first = gate.failed(holding: 1, refused: true)
        async let second = gate.failed(holding: 1, refused: true)
        #expect(await first == nil)
        #expect(await second == nil)
        #expect(await gate.limit == 4)
        // A failure that is no refusal (a login refused, say) never lowers the cap.
        await gate.acquire(1)
        await gate.connected(1)
        await gate.acquire(1)
        #expect(await gate.failed(holding: 1, refused: false) == nil)
        #expect(await gate.limit == 4)
    }

    @Test func connectionGateNeverLetsMoreThanItsLimitIn() async throws {
        let gate = ConnectionGate(limit: 3)
        let open = OpenCount()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let count = index % 4 == 0 ? 2 : 1
                    await gate.acquire(count)
                    await gate.connected(count)
                    open.add(count)
                    await Task.yield()
                    open.add(-count)
                    await gate.release(count)
                }
            }
        }
        #expect(open.peak <= 3)
        #expect(await gate.peak <= 3)
        #expect(open.now == 0)
    }
}

@Suite struct DailyBudgetTests {
    final class WallClock: Sendable {
        private let seconds = Mutex<Double>(1_800_000_000)
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
        var now: @Sendable () -> Date { { Date(timeIntervalSince1970: self.seconds.withLock { $0 }) } }
    }

    @Test func aMessageOverTheBudgetWaitsUntilEnoughBytesAgeOutAndTheBudgetSurvivesARestart() throws {
        let file = NSTemporaryDirectory() + "mf-budget-\(UUID().uuidString)/alice.destination.json"
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        let clock = WallClock()
        let budget = DailyBudget(limit: 1_000, side: .destination, provider: .gmail, file: file, now: clock.now)
        try budget.spend(400)
        clock.advance(3_600)
        try budget.spend(400)
        #expect(
            throws: StoreError.budgetExhausted(
                side: "destination", limit: 1_000, provider: "gmail",
                resumeAt: Date(timeIntervalSince1970: 1_800_086_400))
        ) { try budget.spend(300) }

        // A new run reads what this one used.
        let again = DailyBudget(limit: 1_000, side: .destination, provider: .gmail, file: file, now: clock.now)
        #expect(throws: StoreError.self) { try again.spend(300) }
        clock.advance(86_400 - 3_600 + 1)  // the first 400 bytes are a day old
        try again.spend(300)
        #expect(throws: StoreError.self) { try again.spend(400) }
    }

    @Test func aMessageLargerThanTheWholeBudgetGoesAloneOnAFreshDay() throws {
        let clock = WallClock()
        let budget = DailyBudget(limit: 1_000, side: .source, provider: .generic, file: nil, now: clock.now)
        try budget.spend(5_000)
        #expect(throws: StoreError.self) { try budget.spend(1) }
        clock.advance(86_401)
        try budget.spend(1)
    }
}
