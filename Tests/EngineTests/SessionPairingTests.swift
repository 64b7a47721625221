import Foundation
import MailferryCore
import Synchronization
import Testing

@testable import Engine

/// `withStores` opens the two sessions at once as one `SessionPairing`, which a capped store's
/// destination session waits on until the source session has its places.
@Suite struct SessionPairingTests {
    final class Events: Sendable {
        private let recorded = Mutex<[String]>([])
        func add(_ event: String) { recorded.withLock { $0.append(event) } }
        var all: [String] { recorded.withLock { $0 } }
    }

    @Test func withStoresPairsTheSessionsAndTheDestinationWaitsForTheSource() async throws {
        let store = InMemoryStore(folders: ["INBOX"])
        let events = Events()
        let connector = StoreConnector(
            openSource: {
                // A slow source that takes no place itself: withStores marks it placed once it opened.
                try await Task.sleep(for: .milliseconds(200))
                events.add("source opened")
                return store
            },
            openDestination: {
                let pairing = try #require(SessionPairing.current, "withStores opened the destination unpaired")
                await pairing.waitForSource()
                events.add("destination placed")
                return store
            })
        try await connector.withStores { _, _ in events.add("body") }
        #expect(events.all == ["source opened", "destination placed", "body"])
    }

    @Test func aSessionOpenedOnItsOwnIsNotPaired() async throws {
        #expect(SessionPairing.current == nil)
        let pairing = SessionPairing()
        await pairing.sourceIsPlaced()
        await pairing.waitForSource()  // returns at once once the source is placed
    }
}
