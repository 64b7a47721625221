import NIOCore

/// Renders commands with correct quoting (RFC 3501 section 4.3, RFC 7888 LITERAL+).
///
/// An `astring` is sent as an atom when every byte is an ASTRING-CHAR, as a quoted string when it
/// is 7-bit text without CR/LF, and otherwise as a literal: `{n+}` when the server offers LITERAL+,
/// else a synchronizing `{n}` that waits for the server's continuation request.
public struct IMAPCommandEncoder: Sendable {
    public var literalPlus: Bool
    /// Quoted strings longer than this become literals (some servers limit quoted length).
    public var maxQuotedLength = 1000
    /// Whether to build the redacted trace; without a trace sink it is left empty, as a MULTIAPPEND
    /// encodes a piece per message.
    public var tracing = true

    public init(literalPlus: Bool) {
        self.literalPlus = literalPlus
    }

    /// - Parameters:
    ///   - tag: nil for a further piece of a command already begun (the next message of a MULTIAPPEND).
    ///   - terminated: false leaves the command open for more pieces: no CRLF at the end.
    public func encode(
        _ command: IMAPCommand, tag: String?, terminated: Bool = true
    ) throws(IMAPEncodingError) -> IMAPEncodedCommand {
        let tracing = self.tracing
        var steps: [IMAPEncodedCommand.Step] = []
        var pending: [UInt8] = []
        var trace = ""
        if let tag {
            pending.append(contentsOf: tag.utf8)
            pending.append(UInt8(ascii: " "))
            if tracing { trace = tag + " " }
        }

        /// `{n}` CRLF, or `{n+}` CRLF with LITERAL+, written without building a string.
        func appendLiteralMarker(byteCount: Int) {
            pending.append(UInt8(ascii: "{"))
            pending.append(contentsOf: String(byteCount).utf8)
            if literalPlus { pending.append(UInt8(ascii: "+")) }
            pending.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        }

        func flushPending() {
            if !pending.isEmpty { steps.append(.send(ByteBuffer(bytes: pending))) }
            pending.removeAll()
        }

        func appendString(_ value: [UInt8], secret: Bool, allowAtom: Bool) throws(IMAPEncodingError) {
            var form = try Self.form(of: value, maxQuotedLength: maxQuotedLength)
            if form == .atom, !allowAtom { form = .quoted }
            switch form {
            case .atom:
                pending += value
                if tracing { trace += secret ? "<redacted>" : String(decoding: value, as: UTF8.self) }
            case .quoted:
                let quoted = Self.quote(value)
                pending += quoted
                if tracing { trace += secret ? "<redacted>" : String(decoding: quoted, as: UTF8.self) }
            case .literal:
                appendLiteralMarker(byteCount: value.count)
                // A secret's length is a secret too: the trace shows neither marker nor size.
                if tracing, !secret { trace += literalPlus ? "{\(value.count)+}" : "{\(value.count)}" }
                if !literalPlus {
                    flushPending()
                    steps.append(.awaitContinuation)
                }
                pending += value
                if tracing { trace += secret ? "<redacted>" : "<\(value.count) bytes>" }
            }
        }

        for part in command.parts {
            switch part {
            case .syntax(let text):
                guard !text.utf8.contains(where: { $0 == 0 || $0 == 0x0D || $0 == 0x0A }) else {
                    throw .invalidSyntax(text)
                }
                pending.append(contentsOf: text.utf8)
                if tracing { trace += text }
            case .secretSyntax(let text):
                guard !text.utf8.contains(where: { $0 == 0 || $0 == 0x0D || $0 == 0x0A }) else {
                    throw .invalidSyntax("<redacted>")
                }
                pending.append(contentsOf: text.utf8)
                if tracing { trace += "<redacted>" }
            case .astring(let value, let secret):
                try appendString(value, secret: secret, allowAtom: true)
            case .string(let value):
                try appendString(value, secret: false, allowAtom: false)
            case .streamedLiteral(let byteCount):
                appendLiteralMarker(byteCount: byteCount)
                if tracing { trace += (literalPlus ? "{\(byteCount)+}" : "{\(byteCount)}") + "<\(byteCount) bytes>" }
                flushPending()
                if !literalPlus { steps.append(.awaitContinuation) }
                steps.append(.streamLiteral(byteCount: byteCount))
            }
        }
        if terminated { pending += [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
        flushPending()
        return IMAPEncodedCommand(tag: tag ?? "", steps: steps, trace: trace)
    }

    enum StringForm: Equatable { case atom, quoted, literal }

    /// `astring = 1*ASTRING-CHAR / string`; chooses the plainest form that carries the bytes exactly.
    static func form(of value: [UInt8], maxQuotedLength: Int = 1000) throws(IMAPEncodingError) -> StringForm {
        if value.contains(0) { throw .nulInString }
        if !value.isEmpty, value.allSatisfy({ GrammarCursor.isAtomChar($0) || $0 == UInt8(ascii: "]") }),
            !String(decoding: value, as: UTF8.self).caseInsensitiveCompare("NIL")
        {
            return .atom
        }
        // TEXT-CHAR = <any CHAR except CR and LF>; CHAR is 7-bit.
        if value.count <= maxQuotedLength, value.allSatisfy({ $0 < 0x80 && $0 != 0x0D && $0 != 0x0A }) {
            return .quoted
        }
        return .literal
    }

    /// `quoted = DQUOTE *QUOTED-CHAR DQUOTE` with `"` and `\` escaped.
    static func quote(_ value: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "\"")]
        for byte in value {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
        return output
    }
}
