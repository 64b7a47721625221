import Foundation
import MailferryCore

@testable import MailStores

/// A directory under /dev/shm (tmpfs) when available, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String = "mailferry-maildir") throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum MaildirFixtures {
    /// A body delivered in chunks of `chunkSize` bytes, announcing `announcedSize` (default: the real size).
    static func body(_ bytes: [UInt8], chunkSize: Int = 7, announcedSize: Int64? = nil) -> MessageBody {
        let chunks = stride(from: 0, to: bytes.count, by: max(chunkSize, 1)).map {
            Array(bytes[$0..<min($0 + chunkSize, bytes.count)])
        }
        let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        return MessageBody(size: announcedSize ?? Int64(bytes.count), chunks: stream)
    }

    static func message(
        _ text: String, flags: [String] = [], date: Int64 = 1_600_000_000, offsetMinutes: Int = 0
    ) -> (summary: MessageSummary, bytes: [UInt8]) {
        let bytes = Array(text.utf8)
        let summary = MessageSummary(
            uid: 1, sourceKey: "source", size: Int64(bytes.count),
            internalDate: InternalDate(secondsSince1970: date, offsetMinutes: offsetMinutes),
            flags: MessageFlags(flags), identity: MessageIdentity(headers: bytes, size: Int64(bytes.count)))
        return (summary, bytes)
    }

    static func mail(id: String, subject: String, body: String = "Hello.\r\n") -> String {
        "Message-ID: <\(id)@example.org>\r\nFrom: Ann <ann@example.org>\r\nSubject: \(subject)\r\n"
            + "Date: Mon, 14 Sep 2020 12:26:40 +0000\r\n\r\n" + body
    }

    static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}
