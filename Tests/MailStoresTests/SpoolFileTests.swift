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

    /// The header block is what `TOP n 0` sends: up to and including the empty line, whatever the
    /// line ends, wherever the chunks split it, in memory or on file.
    @Test(arguments: [false, true])
    func theHeaderBlockEndsAtTheFirstEmptyLine(onFile: Bool) throws {
        let directory = NSTemporaryDirectory() + "mf-spool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func spooled(_ text: String) throws -> SpoolFile {
            var spool = onFile ? try SpoolFile(in: directory) : SpoolFile(inMemory: text.utf8.count)
            try Array(text.utf8).withUnsafeBytes { try spool.append($0) }
            return spool
        }
        func headerBlock(_ text: String) throws -> String {
            let spool = try spooled(text)
            defer { spool.close() }
            return String(decoding: try spool.headerBlock(), as: UTF8.self)
        }
        #expect(try headerBlock("Subject: a\r\nFrom: b\r\n\r\nbody\r\n\r\nmore") == "Subject: a\r\nFrom: b\r\n\r\n")
        #expect(try headerBlock("Subject: a\nFrom: b\n\nbody\n") == "Subject: a\nFrom: b\n\n")
        #expect(try headerBlock("Subject: only a header\r\n") == "Subject: only a header\r\n")
        #expect(try headerBlock("\r\nno header fields") == "\r\n")
        #expect(try headerBlock("") == "")
        // A header of more than one chunk, its empty line split across the chunk boundary.
        let filler = "X-Filler: " + String(repeating: "f", count: 70) + "\r\n"
        var long = String(repeating: filler, count: SpoolFile.chunkSize / filler.utf8.count)
        long += String(repeating: "g", count: SpoolFile.chunkSize - long.utf8.count - 3) + "\r\n"
        #expect(long.utf8.count == SpoolFile.chunkSize - 1)
        #expect(try headerBlock(long + "\r\nbody") == long + "\r\n")
        #expect(try headerBlock(long + "\r\n" + String(repeating: "b", count: 200_000)) == long + "\r\n")
    }

    @Test func failsInAMissingDirectory() {
        #expect(throws: SpoolError.self) { _ = try SpoolFile(in: "/nonexistent-\(UUID().uuidString)") }
    }
}
