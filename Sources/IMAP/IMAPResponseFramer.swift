import NIOCore

/// Splits the server's byte stream into line text and literals, incrementally.
///
/// Pure and synchronous: feed any chunking with `append`, then drain `nextFrame()` until `nil`
/// ("needs more bytes"). Literal bytes are passed through as they come, never collected, so a
/// message body of any size flows with bounded memory.
public struct IMAPResponseFramer: Sendable {
    private enum State: Sendable {
        /// Looking for the end of a line; `scanned` bytes after the reader index hold no LF.
        case text(scanned: Int)
        case literal(remaining: Int)
        /// The marker was reported; `literalEnd` or bytes come next.
        case literalEnd
    }

    public let limits: IMAPLimits
    private var buffer = ByteBuffer()
    private var state = State.text(scanned: 0)
    private var pendingBegin: Int?

    public init(limits: IMAPLimits = IMAPLimits()) {
        self.limits = limits
    }

    public mutating func append(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            var bytes = bytes
            if buffer.readerIndex > 64 * 1024 { buffer.discardReadBytes() }
            buffer.writeBuffer(&bytes)
        }
    }

    /// Bytes received and not yet returned in a frame (bounded by `maxLineLength` + 1 once
    /// `nextFrame()` returned nil; the fuzz tests assert it).
    public var bufferedByteCount: Int { buffer.readableBytes }

    /// Whether bytes are buffered that did not make a whole frame yet.
    public var hasPartialInput: Bool { buffer.readableBytes > 0 || pendingBegin != nil }

    /// The next frame, or `nil` when more bytes are needed.
    public mutating func nextFrame() throws(IMAPFramingError) -> IMAPFrame? {
        if let byteCount = pendingBegin {
            pendingBegin = nil
            state = byteCount == 0 ? .literalEnd : .literal(remaining: byteCount)
            return .literalBegin(byteCount: byteCount)
        }
        switch state {
        case .literalEnd:
            state = .text(scanned: 0)
            return .literalEnd
        case .literal(let remaining):
            guard buffer.readableBytes > 0, let chunk = buffer.readSlice(length: min(remaining, buffer.readableBytes))
            else { return nil }
            state =
                remaining == chunk.readableBytes ? .literalEnd : .literal(remaining: remaining - chunk.readableBytes)
            return .literalBytes(chunk)
        case .text(let scanned):
            return try nextLine(alreadyScanned: scanned)
        }
    }

    private mutating func nextLine(alreadyScanned: Int) throws(IMAPFramingError) -> IMAPFrame? {
        let view = buffer.readableBytesView
        let searchStart = view.startIndex + alreadyScanned
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            // Fuzzing fix: allow for the CR of a line exactly at the limit whose LF is still to come
            // (`> maxLineLength` refused it when split between CR and LF, but accepted it whole).
            if view.count > limits.maxLineLength + 1 { throw .lineTooLong(limit: limits.maxLineLength) }
            state = .text(scanned: view.count)
            return nil
        }
        let lineLength = newline - view.startIndex
        if lineLength > limits.maxLineLength + 1 { throw .lineTooLong(limit: limits.maxLineLength) }
        // CRLF ends a line; a bare LF is tolerated because some servers send it.
        var textEnd = newline
        if textEnd > view.startIndex, view[textEnd - 1] == UInt8(ascii: "\r") { textEnd -= 1 }
        let text = view[view.startIndex..<textEnd]
        state = .text(scanned: 0)
        if let (markerStart, byteCount) = try literalMarker(in: text) {
            let segment = buffer.getSlice(at: buffer.readerIndex, length: markerStart - view.startIndex) ?? ByteBuffer()
            buffer.moveReaderIndex(forwardBy: lineLength + 1)
            pendingBegin = byteCount
            return .lineSegment(segment)
        }
        let line = buffer.getSlice(at: buffer.readerIndex, length: textEnd - view.startIndex) ?? ByteBuffer()
        buffer.moveReaderIndex(forwardBy: lineLength + 1)
        return .lineEnd(line)
    }

    /// `literal = "{" number ["+"] "}" CRLF *CHAR8` (RFC 3501, RFC 7888); also `literal8`'s `~{`.
    /// Returns where the marker starts and the announced size.
    private func literalMarker(in text: ByteBufferView.SubSequence) throws(IMAPFramingError) -> (Int, Int)? {
        guard let last = text.last, last == UInt8(ascii: "}") else { return nil }
        var index = text.index(before: text.endIndex)
        var digitsEnd = index
        if index > text.startIndex, text[text.index(before: index)] == UInt8(ascii: "+") {
            digitsEnd = text.index(before: index)
        }
        index = digitsEnd
        while index > text.startIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[text.index(before: index)])
        {
            index = text.index(before: index)
        }
        guard index > text.startIndex, text[text.index(before: index)] == UInt8(ascii: "{") else { return nil }
        let digits = text[index..<digitsEnd]
        // `{}` or `{+}` at a line end is human text, not a marker: literals need a number.
        guard !digits.isEmpty else { return nil }
        guard digits.count <= 12 else { throw .literalTooLarge(size: Int.max, limit: limits.maxLiteralSize) }
        let size = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard size <= limits.maxLiteralSize else { throw .literalTooLarge(size: size, limit: limits.maxLiteralSize) }
        var markerStart = text.index(before: index)
        if markerStart > text.startIndex, text[text.index(before: markerStart)] == UInt8(ascii: "~") {
            markerStart = text.index(before: markerStart)
        }
        return (markerStart, size)
    }
}
