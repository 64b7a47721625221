import IMAP
import NIOCore

/// A deterministic RFC 5322 message of a given size, produced chunk by chunk on demand.
actor GeneratedMessage {
    let byteCount: Int
    private var produced = 0
    private let header: [UInt8]

    init(byteCount: Int, subject: String) {
        self.header = Array("From: gen@example.org\r\nSubject: \(subject)\r\nMessage-ID: <\(subject)@example.org>\r\n\r\n".utf8)
        self.byteCount = byteCount
    }

    /// The next chunk (up to 64 KiB), `nil` when `byteCount` bytes were produced.
    func next() -> ByteBuffer? {
        guard produced < byteCount else { return nil }
        var buffer = ByteBuffer()
        let target = min(byteCount - produced, 64 * 1024)
        buffer.reserveCapacity(target)
        while buffer.readableBytes < target {
            let offset = produced + buffer.readableBytes
            let byte: UInt8
            if offset < header.count {
                byte = header[offset]
            } else {
                // 78 printable characters and CRLF per line; the last line may be cut short.
                let column = (offset - header.count) % 80
                byte = column == 78 ? 0x0D : column == 79 ? 0x0A : UInt8(0x21 + (offset / 80 + column) % 90)
            }
            buffer.writeInteger(byte)
        }
        produced += target
        return buffer
    }

    nonisolated var source: IMAPMessageSource {
        IMAPMessageSource(byteCount: byteCount) { await self.next() }
    }
}
