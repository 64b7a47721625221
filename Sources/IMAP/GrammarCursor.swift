import NIOCore

/// A read position in a `ResponseLine` with the lexical rules of RFC 3501 section 9.
/// Every failure is an `IMAPParseError`; nothing here can trap on malformed input.
struct GrammarCursor {
    let line: ResponseLine
    private(set) var position = 0
    private var consumedLiteral = -1

    init(_ line: ResponseLine) { self.line = line }

    func error(_ rule: String) -> IMAPParseError {
        let excerpt = line.text.prefix(120).map { byte -> String in
            (0x20...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }.joined()
        return IMAPParseError(rule: rule, offset: position, excerpt: excerpt)
    }

    var isAtLiteral: Bool { consumedLiteral != position && line.hasLiteral(at: position) }
    var isAtEnd: Bool { position >= line.text.count && !isAtLiteral }

    /// The next text byte, `nil` at the end or where a literal stands.
    func peek() -> UInt8? {
        guard !isAtLiteral, position < line.text.count else { return nil }
        return line.text[position]
    }

    mutating func advance() { position += 1 }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    mutating func expect(_ byte: UInt8, _ rule: String) throws(IMAPParseError) {
        guard skip(byte) else { throw error(rule) }
    }

    mutating func expectSpace(_ rule: String) throws(IMAPParseError) {
        try expect(UInt8(ascii: " "), rule)
    }

    /// A case-insensitive keyword followed by something that cannot continue an atom.
    mutating func skipKeyword(_ keyword: String) -> Bool {
        guard !isAtLiteral else { return false }
        let text = line.text
        var after = position
        for expected in keyword.utf8 {
            guard after < text.count, lower(text[after]) == lower(expected) else { return false }
            after += 1
        }
        if after < text.count, Self.isAtomChar(text[after]) { return false }
        position = after
        return true
    }

    /// `ATOM-CHAR = <any CHAR except atom-specials>`
    static func isAtomChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0...0x20, 0x7F...0xFF: false
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "%"), UInt8(ascii: "*"),
            UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"):
            false
        default: true
        }
    }

    /// `atom = 1*ATOM-CHAR`
    mutating func atom(_ rule: String) throws(IMAPParseError) -> String {
        try take(rule) { Self.isAtomChar($0) }
    }

    /// Reads one or more bytes that satisfy `accept`.
    mutating func take(_ rule: String, while accept: (UInt8) -> Bool) throws(IMAPParseError) -> String {
        let start = position
        while let byte = peek(), accept(byte) { position += 1 }
        guard position > start else { throw error(rule) }
        return String(decoding: line.text[start..<position], as: UTF8.self)
    }

    /// `number = 1*DIGIT`, up to 64 bits (mod-sequence-value needs 63); a larger value is a parse
    /// error, not an overflow trap.
    mutating func number(_ rule: String) throws(IMAPParseError) -> UInt64 {
        let start = position
        var value: UInt64 = 0
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { throw error(rule) }
            value = sum
            position += 1
        }
        guard position > start else { throw error(rule) }
        return value
    }

    /// `nz-number` as a 32-bit UID or count.
    mutating func uint32(_ rule: String) throws(IMAPParseError) -> UInt32 {
        let value = try number(rule)
        guard let narrow = UInt32(exactly: value) else { throw error(rule) }
        return narrow
    }

    mutating func int(_ rule: String) throws(IMAPParseError) -> Int {
        guard let narrow = Int(exactly: try number(rule)) else { throw error(rule) }
        return narrow
    }

    /// `quoted = DQUOTE *QUOTED-CHAR DQUOTE`, `QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials`
    mutating func quoted(_ rule: String) throws(IMAPParseError) -> [UInt8] {
        try expect(UInt8(ascii: "\""), rule)
        var value: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error(rule) }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return value
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { throw error(rule) }
                position += 1
                value.append(escaped)
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                throw error(rule)
            default:
                value.append(byte)
            }
        }
    }

    /// The literal standing at the current position, consumed.
    mutating func literal() -> ResponseLine.Literal? {
        guard isAtLiteral, let value = line.literals[position] else { return nil }
        consumedLiteral = position
        return value
    }

    /// `string = quoted / literal`
    mutating func string(_ rule: String) throws(IMAPParseError) -> ByteBuffer {
        if let value = literal() {
            guard case .bytes(let bytes) = value else { throw error(rule) }
            return bytes
        }
        return ByteBuffer(bytes: try quoted(rule))
    }

    /// `astring = 1*ASTRING-CHAR / string`, `ASTRING-CHAR = ATOM-CHAR / resp-specials`
    mutating func astring(_ rule: String) throws(IMAPParseError) -> String {
        if isAtLiteral || peek() == UInt8(ascii: "\"") {
            return String(buffer: try string(rule))
        }
        return try take(rule) { Self.isAtomChar($0) || $0 == UInt8(ascii: "]") }
    }

    /// `nstring = string / nil`
    mutating func nstring(_ rule: String) throws(IMAPParseError) -> ByteBuffer? {
        if skipKeyword("NIL") { return nil }
        return try string(rule)
    }

    /// The text up to the end of the line (`text = 1*TEXT-CHAR`), possibly empty.
    mutating func restOfLine() -> String {
        let start = min(position, line.text.count)
        position = line.text.count
        return String(decoding: line.text[start...], as: UTF8.self)
    }

    /// Skips one value of unknown meaning: a parenthesised list, a string, `NIL`, or an atom-like token.
    mutating func skipValue(_ rule: String, depth: Int = 0) throws(IMAPParseError) {
        guard depth < 64 else { throw error(rule) }
        if literal() != nil { return }
        switch peek() {
        case UInt8(ascii: "("):
            position += 1
            while !skip(UInt8(ascii: ")")) {
                guard !isAtEnd else { throw error(rule) }
                if skip(UInt8(ascii: " ")) { continue }
                try skipValue(rule, depth: depth + 1)
            }
        case UInt8(ascii: "\""):
            _ = try quoted(rule)
        case nil:
            throw error(rule)
        default:
            var bracketDepth = 0
            let start = position
            while let byte = peek() {
                if byte == UInt8(ascii: "[") { bracketDepth += 1 }
                if byte == UInt8(ascii: "]") { bracketDepth -= 1 }
                if bracketDepth <= 0, byte == UInt8(ascii: " ") || byte == UInt8(ascii: ")") { break }
                position += 1
            }
            guard position > start else { throw error(rule) }
        }
    }

    private func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
