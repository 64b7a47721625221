/// The first line of every POP3 response (RFC 1939 section 3), with its RESP-CODE (RFC 2449 8).
public struct POP3Status: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `+OK`
        case ok
        /// `-ERR`
        case error
        /// `+ ` followed by a base64 challenge (SASL, RFC 5034).
        case continuation
    }

    public var kind: Kind
    /// The response code in brackets, upper-cased, e.g. `AUTH`, `IN-USE`, `SYS/TEMP`; nil if none.
    public var code: String?
    /// The human-readable text after the status indicator (and after the code, if any).
    public var text: String

    public init(kind: Kind, code: String? = nil, text: String) {
        self.kind = kind
        self.code = code
        self.text = text
    }

    public var isOK: Bool { kind == .ok }

    /// The server's words as an admin would want to read them: `[AUTH] Authentication failed.`
    public var serverText: String {
        guard let code else { return text }
        return text.isEmpty ? "[\(code)]" : "[\(code)] \(text)"
    }

    /// The line as received, for traces: `+OK Logged in.`, `-ERR [AUTH] ...`; SASL data hidden.
    /// Control characters become `?`, so a hostile server cannot drive the terminal showing the log.
    public var traceDescription: String {
        let text = String(serverText.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        switch kind {
        case .ok: return text.isEmpty ? "+OK" : "+OK \(text)"
        case .error: return text.isEmpty ? "-ERR" : "-ERR \(text)"
        case .continuation: return "+ ****"
        }
    }

    /// Parses a status line without its CRLF.
    ///
    ///     response  = ("+OK" / "-ERR") [SP [resp-code SP] text]      ; RFC 1939 3, RFC 2449 8
    ///     resp-code = "[" resp-level *("/" resp-level) "]"
    ///     continue  = "+" SP [base64]                                 ; RFC 5034 4
    public static func parse(_ line: String) throws(POP3Error) -> POP3Status {
        let kind: Kind
        var rest: Substring
        if line.hasPrefix("+OK") {
            kind = .ok
            rest = line.dropFirst(3)
        } else if line.hasPrefix("-ERR") {
            kind = .error
            rest = line.dropFirst(4)
        } else if line == "+" || line.hasPrefix("+ ") {
            return POP3Status(kind: .continuation, text: String(line.dropFirst(2)))
        } else {
            throw .protocolError("expected +OK or -ERR, got \(POP3Error.excerpt(line))")
        }
        // "+OKAY" is not "+OK": the indicator ends at a space or at the end of the line.
        if let first = rest.first {
            guard first == " " else {
                throw .protocolError("expected +OK or -ERR, got \(POP3Error.excerpt(line))")
            }
            rest = rest.dropFirst()
        }
        var code: String?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let candidate = rest[rest.index(after: rest.startIndex)..<close]
            if !candidate.isEmpty, candidate.allSatisfy(Self.isResponseCodeCharacter) {
                code = candidate.uppercased()
                rest = rest[rest.index(after: close)...]
                if rest.first == " " { rest = rest.dropFirst() }
            }
        }
        return POP3Status(kind: kind, code: code, text: String(rest))
    }

    private static func isResponseCodeCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        // resp-level = 1*rchar; rchar = %x21-2E / %x30-5C / %x5E-7F (no "/", "]"), plus "/" between levels
        return ascii >= 0x21 && ascii <= 0x7E && ascii != UInt8(ascii: "]")
    }
}
