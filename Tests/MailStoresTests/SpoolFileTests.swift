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
        try await roundTrip(&spool, bytes: 200_000, piece: 7_777, expectedChunks: 4)
    }

    @Test func aSpoolInMemoryBehavesLikeTheFile() async throws {
        var spool = SpoolFile(inMemory: 1000)
        defer { spool.close() }
        try await roundTrip(&spool, bytes: 150_000, piece: 10_000, expectedChunks: 3)
    }

    /// Appends a pattern in pieces and a CRLF, cuts the CRLF off again and reads everything back.
    func roundTrip(_ spool: inout SpoolFile, bytes: Int, piece: Int, expectedChunks: Int) async throws {
        let pattern = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for start in stride(from: 0, to: pattern.count, by: piece) {
            try pattern[start..<min(start + piece, pattern.count)].withUnsafeBytes { try spool.append($0) }
        }
        try Array("\r\n".utf8).withUnsafeBytes { try spool.append($0) }
        #expect(spool.size == Int64(bytes + 2))
        #expect(try spool.tail(2) == [0x0D, 0x0A])
        try spool.truncate(to: Int64(bytes))

        var read: [UInt8] = []
        var chunkSizes: [Int] = []
        for try await chunk in spool.chunks {
            chunkSizes.append(chunk.count)
            read += chunk
        }
        #expect(read == pattern)
        #expect(chunkSizes.dropLast().allSatisfy { $0 == SpoolFile.chunkSize })
        #expect(chunkSizes.count == expectedChunks)
    }

    @Test func failsInAMissingDirectory() {
        #expect(throws: SpoolError.self) { _ = try SpoolFile(in: "/nonexistent-\(UUID().uuidString)") }
    }
}
