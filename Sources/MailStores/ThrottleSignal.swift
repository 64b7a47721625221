import MailferryCore

/// Recognises a server's request to slow down in the text of a refusal or a BYE, and its hinted
/// wait: IMAP `[THROTTLED]` and `[UNAVAILABLE]` (RFC 5530), Exchange Online's "Request is throttled.
/// Suggested Backoff Time: 299961 milliseconds", BYE on too many connections, and POP3's
/// `[LOGIN-DELAY]` and `[IN-USE]` (RFC 2449, RFC 3206).
enum ThrottleSignal {
    static let imapCodes: Set<String> = ["THROTTLED", "UNAVAILABLE"]
    static let pop3Codes: Set<String> = ["LOGIN-DELAY", "IN-USE", "SYS/TEMP"]
    /// Phrases of servers that close or refuse a session because of how many there are.
    static let connectionPhrases = [
        "too many connections", "too many simultaneous connections", "too many concurrent connections",
        "too many sessions", "maximum number of connections", "connection limit", "request is throttled",
    ]

    /// The throttle in `text` (a response code such as `THROTTLED`, without brackets, and the text), or nil.
    static func throttle(code: String?, text: String, server: String) -> StoreError? {
        let lowered = text.lowercased()
        let coded = code.map { imapCodes.contains($0.uppercased()) || pop3Codes.contains($0.uppercased()) } ?? false
        guard coded || connectionPhrases.contains(where: lowered.contains) else { return nil }
        let reason = code.map { "[\($0)] \(text)" } ?? text
        return .throttled(server: server, reason: reason, retryAfter: suggestedBackoff(in: text))
    }

    /// The POP3 response code at the start of `-ERR [CODE] text` (RFC 2449), and the rest.
    static func throttle(pop3Text: String, server: String) -> StoreError? {
        var code: String?
        var text = Substring(pop3Text)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            code = String(text[text.index(after: text.startIndex)..<close])
            text = text[text.index(after: close)...].drop { $0 == " " }
        }
        return throttle(code: code, text: String(text), server: server)
    }

    /// "Suggested Backoff Time: 299961 milliseconds" (Exchange) or "... 30 s": the wait the server asks for.
    static func suggestedBackoff(in text: String) -> Duration? {
        let lowered = text.lowercased()
        guard let range = lowered.range(of: "backoff time:") else { return nil }
        let rest = lowered[range.upperBound...].drop { $0 == " " }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let value = Int64(digits) else { return nil }
        let unit = rest.dropFirst(digits.count).drop { $0 == " " }
        if unit.hasPrefix("ms") || unit.hasPrefix("milli") { return .milliseconds(value) }
        if unit.hasPrefix("s") { return .seconds(value) }
        return .milliseconds(value)  // Exchange's unit when none is written
    }
}
