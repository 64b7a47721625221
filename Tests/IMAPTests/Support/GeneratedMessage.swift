import IMAP
import NIOCore

/// A deterministic RFC 5322 message of a given size, produced chunk by chunk on demand.
actor GeneratedMessage {
    let byteCount: Int
    private var produced = 0
    private let header: [UInt8]

    init(byteCount: Int, subject: String) {
        self.header = Array(
            "From: gen@example.org\r\nSubject: \(subject)\r\nMessage-ID: <\(subject)@example.org>\r\n\r\n".utf8)
        self.byteCount = byteCount
    }

    /// The next chunk (up to 64 KiB), `nil` when `byteCount` bytes were produced.
    /// Built from whole precomputed rows: a byte-at-a-time loop made a debug-build test take minutes.
    func next() -> ByteBuffer? {
        guard produced < byteCount else { return nil }
        let target = min(byteCount - produced, 64 * 1024)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(target)
        if produced < header.count {
            let take = min(header.count - produced, target)
            buffer.writeBytes(header[produced..<produced + take])
        }
        while buffer.readableBytes < target {
            // 78 printable characters and CRLF per line; the last line may be cut short.
            let offset = produced + buffer.readableBytes - header.count
            let column = offset % 80
            let line = Self.row(offset / 80)
            buffer.writeBytes(line[column..<min(80, column + target - buffer.readableBytes)])
        }
        produced += target
        return buffer
    }

    private static func row(_ index: Int) -> [UInt8] {
        (0..<80).map { column in column == 78 ? 0x0D : column == 79 ? 0x0A : UInt8(0x21 + (index + column) % 90) }
    }

    nonisolated var source: IMAPMessageSource {
        IMAPMessageSource(byteCount: byteCount) { await self.next() }
    }
}
