#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a message's header block ends: just past the empty line ("\n\n" or "\n\r\n"), or at once
/// when the message begins with its empty line (no header fields). One search for every reader of
/// headers (the POP3 spool, the copy's `HeaderBlockTap`, Maildir files), so that each finds the
/// block `TOP n 0` and IMAP's header fields describe, and identities agree.
enum HeaderBlockEnd {
    /// The index just past the empty line, searching from `start` (a caller that reads in pieces
    /// passes how far it searched, less two bytes); nil when the bytes hold no end yet.
    static func index(in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        let (cr, lf) = (UInt8(ascii: "\r"), UInt8(ascii: "\n"))
        guard let base = bytes.baseAddress, start < bytes.count else { return nil }
        if start == 0 {
            if bytes[0] == lf { return 1 }
            if bytes.count >= 2, bytes[0] == cr, bytes[1] == lf { return 2 }
        }
        var index = start
        while index < bytes.count, let found = memchr(base + index, Int32(lf), bytes.count - index) {
            let position = base.distance(to: UnsafeRawPointer(found))
            if position + 1 < bytes.count, bytes[position + 1] == lf { return position + 2 }
            if position + 2 < bytes.count, bytes[position + 1] == cr, bytes[position + 2] == lf { return position + 3 }
            index = position + 1
        }
        return nil
    }

    static func index(in bytes: [UInt8], from start: Int = 0) -> Int? {
        bytes.withUnsafeBytes { index(in: $0, from: start) }
    }
}
