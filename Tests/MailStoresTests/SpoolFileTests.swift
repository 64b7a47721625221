import Foundation
import Testing

@testable import MailStores

@Suite struct SpoolFileTests {
    @Test func roundTripsInChunksAndLeavesNothingOnDisk() async throws {
        let directory = NSTemporaryDirectory() + "mf-spool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var spool = try SpoolFile(in: directory)
        defer { spool.close() }
        // The file and its private directory are unlinked at once: only the descriptor reaches the bytes.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        let pattern = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for start in stride(from: 0, to: pattern.count, by: 7_777) {
            try pattern[start..<min(start + 7_777, pattern.count)].withUnsafeBytes { try spool.append($0) }
        }
        try Array("\r\n".utf8).withUnsafeBytes { try spool.append($0) }
        #expect(spool.size == 200_002)
        #expect(try spool.tail(2) == [0x0D, 0x0A])
        try spool.truncate(to: 200_000)

        var read: [UInt8] = []
        var chunkSizes: [Int] = []
        for try await chunk in spool.chunks {
            chunkSizes.append(chunk.count)
            read += chunk
        }
        #expect(read == pattern)
        #expect(chunkSizes.dropLast().allSatisfy { $0 == SpoolFile.chunkSize })
        #expect(chunkSizes.count == 4)
    }

    @Test func aSpoolInMemoryBehavesLikeTheFile() async throws {
        var spool = SpoolFile(inMemory: 1000)
        defer { spool.close() }
        let pattern = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for start in stride(from: 0, to: pattern.count, by: 10_000) {
            try pattern[start..<min(start + 10_000, pattern.count)].withUnsafeBytes { try spool.append($0) }
        }
        try Array("\r\n".utf8).withUnsafeBytes { try spool.append($0) }
        #expect(spool.size == 150_002)
        #expect(try spool.tail(2) == [0x0D, 0x0A])
        #expect(try spool.tail(5).count == 5)
        try spool.truncate(to: 150_000)
        var read: [UInt8] = []
        var chunkSizes: [Int] = []
        for try await chunk in spool.chunks {
            chunkSizes.append(chunk.count)
            read += chunk
        }
        #expect(read == pattern)
        #expect(chunkSizes == [SpoolFile.chunkSize, SpoolFile.chunkSize, 150_000 - 2 * SpoolFile.chunkSize])
    }

    @Test func failsInAMissingDirectory() {
        #expect(throws: SpoolError.self) { _ = try SpoolFile(in: "/nonexistent-\(UUID().uuidString)") }
    }
}
