import Foundation
import Testing

@testable import MailferryCLI

/// The parts of the crash-test aid that decide where a `during` kill lands; the kills themselves are
/// exercised by `CrashResumeEndToEndTests`.
@Suite struct CrashInjectionTests {
    @Test(arguments: [(3, 10), (5, 10), (1, 2), (10, 20)])
    func splitsTheChunkThatStraddlesTheOffset(offset: Int, size: Int) async throws {
        let bytes = (0..<size).map { UInt8($0) }
        let chunks = stride(from: 0, to: size, by: 4).map { Array(bytes[$0..<min($0 + 4, size)]) }
        let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        var received: [[UInt8]] = []
        for try await chunk in CrashInjection.SplitChunks(base: stream, offset: Int64(offset)) {
            received.append(chunk)
        }
        #expect(received.flatMap { $0 } == bytes)
        let boundaries = received.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        #expect(boundaries.contains(offset), "\(received)")
    }

    @Test func parsesTheKillPoints() throws {
        let during = try #require(CrashInjection(environment: ["MAILFERRY_TEST_KILL_AT_APPEND": "7:during"]))
        #expect(during.appendNumber == 7 && during.moment == .during && during.phase == nil)
        let commit = try #require(CrashInjection(environment: ["MAILFERRY_TEST_KILL_AT": "commit:3"]))
        #expect(commit.phase == .commit && commit.phaseNumber == 3 && commit.appendNumber == 0)
        #expect(CrashInjection(environment: [:]) == nil)
        #expect(CrashInjection.half(of: 7175) == 3587 && CrashInjection.half(of: 1) == 1)
    }
}
