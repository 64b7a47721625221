/// The server's first line, with the APOP timestamp if it offers one.
public struct POP3Greeting: Sendable, Equatable {
    public var text: String
    /// `<process-ID.clock@hostname>` of RFC 1939 section 7, brackets included; nil if absent.
    public var apopTimestamp: String?

    public init(text: String, apopTimestamp: String? = nil) {
        self.text = text
        self.apopTimestamp = apopTimestamp
    }

    /// Reads a `+OK` greeting; an `-ERR` greeting is a refusal.
    ///
    ///     greeting  = "+OK" [SP text] ; the text may contain a timestamp
    ///     timestamp = "<" *VCHAR "@" *VCHAR ">"   ; msg-id form, RFC 1939 section 7
    public static func parse(_ status: POP3Status) throws(POP3Error) -> POP3Greeting {
        switch status.kind {
        case .ok:
            return POP3Greeting(text: status.serverText, apopTimestamp: timestamp(in: status.text))
        case .error:
            throw .greetingRejected(serverText: status.serverText)
        case .continuation:
            throw .protocolError("the greeting is a continuation request")
        }
    }

    private static func timestamp(in text: String) -> String? {
        guard let open = text.lastIndex(of: "<"),
            let close = text[open...].firstIndex(of: ">")
        else { return nil }
        let candidate = text[open...close]
        let inner = candidate.dropFirst().dropLast()
        guard inner.contains("@"), !inner.contains(" "), !inner.contains("<") else { return nil }
        return String(candidate)
    }
}
