import NIOCore

/// Framer plus grammar: bytes in, `IMAPResponse`s out, incrementally.
///
/// The `BODY[]` (and `RFC822`, `BINARY[]`) literal of a FETCH is streamed as
/// `fetchBodyBegin`/`fetchBodyBytes`/`fetchBodyEnd`; other literals are small values (header
/// fields, mailbox names) and are collected up to `maxBufferedLiteralSize`.
/// After an error the parser must not be used again: the stream position is lost.
public struct IMAPResponseParser: Sendable {
    private enum LiteralState: Sendable {
        case none
        case buffering(ByteBuffer)
        case streaming(byteCount: Int)
    }

    private var framer: IMAPResponseFramer
    private var line = ResponseLine()
    private var literal = LiteralState.none
    public let limits: IMAPLimits

    public init(limits: IMAPLimits = IMAPLimits()) {
        self.limits = limits
        self.framer = IMAPResponseFramer(limits: limits)
    }

    public mutating func append(_ bytes: ByteBuffer) {
        framer.append(bytes)
    }

    /// Bytes held for the response being assembled: framer buffer, line text and collected literals.
    public var bufferedByteCount: Int {
        var count = framer.bufferedByteCount + line.text.count + bufferedLiteralByteCount
        if case .buffering(let collected) = literal { count += collected.readableBytes }
        return count
    }

    /// Bytes of the literals already placed in `line`.
    private var bufferedLiteralByteCount: Int {
        line.literals.values.reduce(0) { total, literal in
            if case .bytes(let bytes) = literal { return total + bytes.readableBytes }
            return total
        }
    }

    /// Whether a response has started but is not complete.
    public var hasPartialResponse: Bool { framer.hasPartialInput || !line.isEmpty }

    /// The next response or body event, or `nil` when more bytes are needed.
    public mutating func next() throws(IMAPDecodingError) -> IMAPResponse? {
        while true {
            let frame: IMAPFrame?
            do {
                frame = try framer.nextFrame()
            } catch {
                throw .framing(error)
            }
            guard let frame else { return nil }
            switch frame {
            case .lineSegment(let text):
                try appendText(text)
            case .literalBegin(let byteCount):
                if let sequenceNumber = Self.streamedBodySequenceNumber(line) {
                    literal = .streaming(byteCount: byteCount)
                    return .fetchBodyBegin(
                        sequenceNumber: sequenceNumber, uid: Self.uidBeforeBody(line), byteCount: byteCount)
                }
                // Fuzzing fix: the limit bounds all literals held for one response together; checked
                // one by one, a line of many small literals grew without bound.
                let total = bufferedLiteralByteCount + byteCount
                guard total <= limits.maxBufferedLiteralSize else {
                    throw .bufferedLiteralTooLarge(size: total, limit: limits.maxBufferedLiteralSize)
                }
                literal = .buffering(ByteBuffer())
            case .literalBytes(var bytes):
                switch literal {
                case .streaming:
                    return .fetchBodyBytes(bytes)
                case .buffering(var collected):
                    literal = .none
                    collected.writeBuffer(&bytes)
                    literal = .buffering(collected)
                case .none:
                    break
                }
            case .literalEnd:
                switch literal {
                case .streaming(let byteCount):
                    literal = .none
                    line.appendLiteral(.streamed(byteCount: byteCount))
                    return .fetchBodyEnd
                case .buffering(let collected):
                    literal = .none
                    line.appendLiteral(.bytes(collected))
                case .none:
                    line.appendLiteral(.bytes(ByteBuffer()))
                }
            case .lineEnd(let text):
                try appendText(text)
                let complete = line
                line = ResponseLine()
                do {
                    return try IMAPGrammar.parseResponse(complete)
                } catch {
                    throw .parse(error)
                }
            }
        }
    }

    private mutating func appendText(_ text: ByteBuffer) throws(IMAPDecodingError) {
        guard line.text.count + text.readableBytes <= limits.maxLineLength else {
            throw .framing(.lineTooLong(limit: limits.maxLineLength))
        }
        line.appendText(text)
    }

    /// The bytes these line checks look for, made once: they run on every FETCH line of a body stream.
    private static let fetchOpening = Array(" FETCH (".utf8)
    private static let streamedBodyItems = ["BODY[]", "BINARY[]", "RFC822"].map { Array($0.utf8) }
    private static let uidItem = Array("UID ".utf8)

    /// The sequence number when `line` is the start of a FETCH whose last item is a whole-message
    /// section: `"*" SP nz-number SP "FETCH" SP "(" … ("BODY[]" / "BINARY[]" / "RFC822") ["<" number ">"] SP`.
    static func streamedBodySequenceNumber(_ line: ResponseLine) -> Int? {
        let text = line.text
        guard text.count >= 4, text[0] == UInt8(ascii: "*"), text[1] == UInt8(ascii: " ") else { return nil }
        var index = 2
        var sequenceNumber = 0
        while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]), index < 14 {
            sequenceNumber = sequenceNumber * 10 + Int(text[index] - UInt8(ascii: "0"))
            index += 1
        }
        let fetch = Self.fetchOpening
        guard index > 2, index + fetch.count <= text.count,
            zip(text[index..<index + fetch.count], fetch).allSatisfy({ upper($0) == $1 })
        else { return nil }
        // The item just before the literal.
        var end = text.count
        guard end > 0, text[end - 1] == UInt8(ascii: " ") else { return nil }
        end -= 1
        var tokenStart = end
        while tokenStart > 0, text[tokenStart - 1] != UInt8(ascii: " "), text[tokenStart - 1] != UInt8(ascii: "(") {
            tokenStart -= 1
        }
        // `BODY[]<0>` names the same body as `BODY[]`.
        var token = text[tokenStart..<end]
        if token.last == UInt8(ascii: ">"), let open = token.lastIndex(of: UInt8(ascii: "<")) {
            token = token[..<open]
        }
        let isBody = Self.streamedBodyItems.contains { name in
            name.count == token.count && zip(token, name).allSatisfy { upper($0) == $1 }
        }
        return isBody ? sequenceNumber : nil
    }
}

extension IMAPResponseParser {
    /// The `UID` item of a FETCH line, when it stands before the streamed body: `(UID 7 ` or ` UID 7 `.
    /// The text before a body literal holds only item names and atoms (a body FETCH asks for nothing
    /// quoted), so a match is the item itself.
    static func uidBeforeBody(_ line: ResponseLine) -> UInt32? {
        let text = line.text
        let name = uidItem
        var index = 1
        while index + name.count < text.count {
            defer { index += 1 }
            guard text[index - 1] == UInt8(ascii: "(") || text[index - 1] == UInt8(ascii: " "),
                zip(text[index..<index + name.count], name).allSatisfy({ upper($0) == $1 })
            else { continue }
            var cursor = index + name.count
            var value: UInt64 = 0
            while cursor < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[cursor]),
                value <= UInt64(UInt32.max)
            {
                value = value * 10 + UInt64(text[cursor] - UInt8(ascii: "0"))
                cursor += 1
            }
            guard cursor > index + name.count, cursor < text.count, text[cursor] == UInt8(ascii: " "),
                let uid = UInt32(exactly: value), uid > 0
            else { continue }
            return uid
        }
        return nil
    }
}

private func upper(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
}
