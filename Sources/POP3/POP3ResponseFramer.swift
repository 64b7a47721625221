import NIOCore

/// What one piece of a POP3 response is, as the framer delivers it.
public enum POP3ResponseEvent: Sendable, Equatable {
    /// The status line (`+OK`, `-ERR`, or a SASL `+ ` continuation) that starts every response.
    case status(POP3Status)
    /// One line of a listing (CAPA, UIDL, LIST), dot-unstuffed, without its CRLF.
    case line(String)
    /// Bytes of a streamed body (RETR, TOP), dot-unstuffed, line endings kept.
    case data(ByteBuffer)
    /// The `.` line that ends a multi-line response.
    case end
}

/// The form of response a command is answered with; POP3 does not say it on the wire.
public enum POP3ResponseShape: Sendable, Equatable {
    /// One status line (USER, PASS, STAT, UIDL n, LIST n, QUIT, ...).
    case singleLine
    /// `+OK` then lines up to `.` delivered one by one (CAPA, UIDL, LIST).
    case listing
    /// `+OK` then a body up to `.` delivered as chunks, never whole (RETR, TOP).
    case stream
}

/// Splits inbound bytes into POP3 response events, whatever the byte boundaries.
///
/// The caller announces each command's response shape with `expect(_:)` (in command order, so
/// pipelined commands work), feeds bytes with `append(_:)`, and drains `next()` until it returns nil.
/// Multi-line responses end with `CRLF.CRLF`; a line starting with `.` has that dot removed
/// (RFC 1939 section 3). A body is never held whole: each `next()` returns what has arrived,
/// except up to three bytes at a line start that may begin the terminator or a stuffed dot.
public struct POP3ResponseFramer: Sendable {
    private enum State: Sendable {
        case status
        case listing
        case stream(atLineStart: Bool)
        /// Body bytes were returned together with the terminator; `.end` comes next.
        case endPending
    }

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let dot = UInt8(ascii: ".")

    public let limits: POP3Limits
    private var buffer: ByteBuffer
    private var expected: CircularBuffer<POP3ResponseShape>
    private var state: State = .status

    public init(limits: POP3Limits = POP3Limits()) {
        self.limits = limits
        self.buffer = ByteBuffer()
        self.expected = CircularBuffer(initialCapacity: 4)
    }

    /// Announces the shape of the next response not yet announced.
    public mutating func expect(_ shape: POP3ResponseShape) {
        expected.append(shape)
    }

    /// Responses announced but not yet complete.
    public var pendingResponses: Int { expected.count }

    /// Bytes received and not yet returned as events.
    public var bufferedByteCount: Int { buffer.readableBytes }

    public mutating func append(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes  // no copy for the common case
        } else {
            // Drop what was consumed, so a long stream does not accumulate in the buffer.
            buffer.discardReadBytes()
            var bytes = bytes
            buffer.writeBuffer(&bytes)
        }
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws(POP3Error) -> POP3ResponseEvent? {
        switch state {
        case .status:
            return try nextStatus()
        case .listing:
            return try nextListingLine()
        case .stream(let atLineStart):
            return nextBodyChunk(atLineStart: atLineStart)
        case .endPending:
            finishResponse()
            return .end
        }
    }

    // MARK: - Status lines

    private mutating func nextStatus() throws(POP3Error) -> POP3ResponseEvent? {
        guard let line = try readLine() else { return nil }
        guard let shape = expected.first else {
            throw .protocolError("unexpected line from the server: \(POP3Error.excerpt(line))")
        }
        let status = try POP3Status.parse(line)
        switch (shape, status.kind) {
        case (.listing, .ok):
            state = .listing
        case (.stream, .ok):
            state = .stream(atLineStart: true)
        default:
            // A single line, an -ERR (no body follows), or a SASL continuation.
            _ = expected.popFirst()
        }
        return .status(status)
    }

    // MARK: - Listings

    private mutating func nextListingLine() throws(POP3Error) -> POP3ResponseEvent? {
        guard var line = try readLine() else { return nil }
        if line == "." {
            finishResponse()
            return .end
        }
        if line.hasPrefix(".") { line.removeFirst() }
        return .line(line)
    }

    /// A whole line without CR LF (a bare LF is accepted too), or nil if it has not fully arrived.
    private mutating func readLine() throws(POP3Error) -> String? {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: Self.lineFeed) else {
            // Allow for the CRLF still to come before declaring the line too long.
            if buffer.readableBytes > limits.maxLineLength + 1 { throw .lineTooLong(limit: limits.maxLineLength) }
            return nil
        }
        var length = newline - view.startIndex
        if length > 0, view[newline - 1] == Self.carriageReturn { length -= 1 }
        guard length <= limits.maxLineLength else { throw .lineTooLong(limit: limits.maxLineLength) }
        let line = buffer.getString(at: buffer.readerIndex, length: length) ?? ""
        buffer.moveReaderIndex(to: newline + 1)
        return line
    }

    // MARK: - Bodies

    private mutating func nextBodyChunk(atLineStart start: Bool) -> POP3ResponseEvent? {
        var atLineStart = start
        var chunk: ByteBuffer?
        var terminated = false
        scanning: while buffer.readableBytes > 0 {
            if atLineStart, buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == Self.dot {
                // ".CRLF" ends the body; any other line starting with "." loses that dot.
                guard buffer.readableBytes >= 2 else { break scanning }
                let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self)
                if second == Self.carriageReturn {
                    guard buffer.readableBytes >= 3 else { break scanning }
                    if buffer.getInteger(at: buffer.readerIndex + 2, as: UInt8.self) == Self.lineFeed {
                        buffer.moveReaderIndex(forwardBy: 3)
                        terminated = true
                        break scanning
                    }
                }
                buffer.moveReaderIndex(forwardBy: 1)
            }
            let view = buffer.readableBytesView
            let length: Int
            if let newline = view.firstIndex(of: Self.lineFeed) {
                length = newline - view.startIndex + 1
                atLineStart = true
            } else {
                length = view.count
                atLineStart = false
            }
            guard length > 0, var slice = buffer.readSlice(length: length) else { continue }
            if chunk == nil {
                chunk = slice
            } else {
                chunk?.writeBuffer(&slice)
            }
        }
        if terminated {
            if let chunk {
                state = .endPending
                return .data(chunk)
            }
            finishResponse()
            return .end
        }
        state = .stream(atLineStart: atLineStart)
        return chunk.map { .data($0) }
    }

    private mutating func finishResponse() {
        _ = expected.popFirst()
        state = .status
    }
}
