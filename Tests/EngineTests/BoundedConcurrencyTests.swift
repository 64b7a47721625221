import Synchronization
import Testing

@testable import Engine

@Suite struct BoundedConcurrencyTests {
    @Test func mapKeepsTheItemsOrderAndTheLimit() async {
        let running = Atomic(0)
        let most = Atomic(0)
        let results = await BoundedConcurrency.map(Array(0..<20), limit: 3) { item in
            let now = running.add(1, ordering: .relaxed).newValue
            most.max(now, ordering: .relaxed)
            // Later items finish first, so results arrive out of order.
            try? await Task.sleep(for: .milliseconds(20 - item))
            running.subtract(1, ordering: .relaxed)
            return item * 2
        }
        #expect(results == (0..<20).map { $0 * 2 })
        #expect(most.load(ordering: .relaxed) <= 3)
    }

    @Test func receiveSeesEveryResultWithItsIndexOnce() async {
        var seen: [Int: String] = [:]
        await BoundedConcurrency.forEach(["a", "b", "c", "d"], limit: 2) {
            $0.uppercased()
        } receive: { index, output in
            #expect(seen[index] == nil)
            seen[index] = output
        }
        #expect(seen == [0: "A", 1: "B", 2: "C", 3: "D"])
    }

    /// A failure to keep a result stops the run: no item after it starts, and the error comes out.
    @Test func anErrorFromReceiveStopsTheRun() async {
        struct Full: Error {}
        let started = Atomic(0)
        await #expect(throws: Full.self) {
            try await BoundedConcurrency.forEach(Array(0..<50), limit: 2) { item in
                started.add(1, ordering: .relaxed)
                return item
            } receive: { (_, _) throws(Full) in
                throw Full()
            }
        }
        // The two started at once, perhaps not both finished; none started after the error.
        #expect(started.load(ordering: .relaxed) <= 2)
    }
}
