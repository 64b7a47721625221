import TestSupport
import Testing

/// The fault proxy's schedules replay: the same seed gives the same faults for the same connections.
@Suite struct FaultScheduleTests {
    let configuration = FaultProxy.Configuration(seed: 42, faultPercent: 60, maxFaultOffset: 2 << 20)

    @Test func sameSeedSameSchedules() {
        let first = (0..<500).map { FaultSchedule.draw(seed: 42, connection: $0, configuration) }
        let again = (0..<500).map { FaultSchedule.draw(seed: 42, connection: $0, configuration) }
        let other = (0..<500).map { FaultSchedule.draw(seed: 43, connection: $0, configuration) }
        #expect(first == again)
        #expect(first != other)
    }

    @Test func schedulesCoverEveryKindAndOffsetsFromBytesToMegabytes() {
        let schedules = (0..<2000).map { FaultSchedule.draw(seed: 7, connection: $0, configuration) }
        var offsets: [Int] = []
        var kinds: Set<String> = []
        for schedule in schedules {
            switch schedule {
            case .clean: kinds.insert("clean")
            case .cut(_, let after):
                kinds.insert("cut")
                offsets.append(after)
            case .stall(_, let after):
                kinds.insert("stall")
                offsets.append(after)
            case .delay(_, let after, let milliseconds):
                kinds.insert("delay")
                offsets.append(after)
                #expect((1...800).contains(milliseconds))
            }
        }
        #expect(kinds == ["clean", "cut", "stall", "delay"])
        let clean = schedules.filter { $0 == .clean }.count
        #expect((650...950).contains(clean), "about 40% clean, got \(clean)")
        #expect(offsets.contains { $0 < 100 })
        #expect(offsets.contains { $0 > 1 << 20 })
        #expect(offsets.allSatisfy { (1...(2 << 20)).contains($0) })
    }
}
