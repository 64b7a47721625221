import Foundation
import MailStores
import MailferryCore
import Synchronization
import TestSupport
import Testing

/// Both sides capped at one connection, against real Dovecots: a mailbox whose destination session
/// asks for its place before its source session does (the two open at once, as one
/// `SessionPairing`) waits for its own source's place first, so it cannot hold the destination's only
/// place while another mailbox holds the source's (each would wait for the other for ever: CI saw
/// `connectionCapsHoldAcrossAllUsersOfTheJob` hang so).
@Suite(.serialized) struct ConnectionOrderEndToEndTests {
    static let users = [("alice", "alice-pw"), ("bob", "bob-pw")]

    final class Outcome<Store: Sendable>: Sendable {
        let value = Mutex<Result<Store, any Error>?>(nil)
    }

    /// Runs `open` in a task and waits at most `limit` for it: a session that never opens fails the
    /// test (nil) instead of hanging it.
    static func opened<Store: Sendable>(
        within limit: Duration, _ open: @escaping @Sendable () async throws -> Store
    ) async throws -> Store? {
        let outcome = Outcome<Store>()
        Task {
            let result: Result<Store, any Error>
            do { result = .success(try await open()) } catch { result = .failure(error) }
            outcome.value.withLock { $0 = result }
        }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let result = outcome.value.withLock({ $0 }) { return try result.get() }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func aDestinationAskingFirstWaitsForItsOwnSourcesPlace() async throws {
        let source = try await DovecotServer.start(.init(users: Self.users, pop3: false))
        let destination = try await DovecotServer.start(.init(users: Self.users, pop3: false))
        try await DovecotServer.stopping([source, destination]) {
            let folder = try TestJobFolder(
                yaml: """
                    version: 1
                    name: order
                    \(source.imapsSourceYAML())
                      limits: { connections: 1 }
                    destination:
                      imap:
                        host: 127.0.0.1
                        port: \(destination.imapsPort)
                        tls: { ca_file: \(destination.caFile) }
                        limits: { connections: 1 }
                    users:
                      file: users.csv
                    """,
                users: Self.users.map { "\($0.0),\($0.1),\($0.0),\($0.1)\n" }.joined())
            defer { folder.remove() }
            let factory = StoreFactory(job: folder.job, environment: [:])
            let alice = factory.connector(for: folder.job.accounts[0])
            let bob = factory.connector(for: folder.job.accounts[1])

            // Each mailbox opens its pair of sessions as `withStores` does, in a `SessionPairing`.
            // bob's destination session asks first; then alice opens both of hers.
            let bobPairing = SessionPairing()
            let bobDestination = Task {
                try await SessionPairing.$current.withValue(bobPairing) { try await bob.openDestination() }
            }
            try await Task.sleep(for: .milliseconds(500))
            let alicePairing = SessionPairing()
            let aliceSource = try #require(
                try await Self.opened(within: .seconds(30)) {
                    try await SessionPairing.$current.withValue(alicePairing) { try await alice.openSource() }
                })
            let aliceDestination = try #require(
                try await Self.opened(within: .seconds(30)) {
                    try await SessionPairing.$current.withValue(alicePairing) { try await alice.openDestination() }
                },
                "alice's destination session waited for the place bob's destination session took before its source")
            #expect(try await !aliceSource.folders().isEmpty)
            await aliceSource.close()
            await aliceDestination.close()

            // alice is done: bob's source takes the source's place, then his destination its own.
            let bobSource = try #require(
                try await Self.opened(within: .seconds(30)) {
                    try await SessionPairing.$current.withValue(bobPairing) { try await bob.openSource() }
                })
            let bobDestinationStore = try await bobDestination.value
            await bobSource.close()
            await bobDestinationStore.close()
            let peaks = await factory.peakConnections()
            #expect(peaks.source == 1 && peaks.destination == 1)
        }
    }
}
