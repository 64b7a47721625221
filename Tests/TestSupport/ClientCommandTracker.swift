/// Follows the IMAP commands a client sends on a plaintext link, just enough for the fault proxy to
/// say where a cut landed: the current command's verb, whether its literal is being sent, and
/// whether the session got past login.
struct ClientCommandTracker {
    /// Verb of the latest command ("FETCH" for "UID FETCH"), uppercased.
    private(set) var verb = ""
    /// False once the first bytes were a TLS record: nothing can be read then.
    private(set) var plaintext = true
    /// A command that needs the authenticated state was sent.
    private(set) var authenticated = false
    private var started = false
    private var line: [UInt8] = []
    private var literalRemaining = 0
    /// The current line continues a command after a literal.
    private var continuing = false

    var inAppendLiteral: Bool { literalRemaining > 0 && verb == "APPEND" }

    private static let afterLogin: Set<String> = [
        "SELECT", "EXAMINE", "LIST", "LSUB", "STATUS", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "NAMESPACE", "APPEND",
        "FETCH", "STORE", "SEARCH", "ENABLE", "IDLE", "CLOSE", "UNSELECT", "EXPUNGE", "MOVE", "COPY", "GETQUOTAROOT",
    ]

    mutating func feed(_ bytes: ArraySlice<UInt8>) {
        if !started, let first = bytes.first {
            started = true
            plaintext = first != 0x16  // TLS handshake record
        }
        guard plaintext else { return }
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if literalRemaining > 0 {
                let take = min(literalRemaining, bytes.endIndex - index)
                literalRemaining -= take
                index += take
                continue
            }
            let byte = bytes[index]
            index += 1
            if byte != UInt8(ascii: "\n") {
                if line.count < 8192 { line.append(byte) }
                continue
            }
            endLine()
        }
    }

    private mutating func endLine() {
        defer { line = [] }
        let text = String(decoding: line, as: UTF8.self).trimmingSuffix("\r")
        if !continuing {
            let words = text.split(separator: " ", maxSplits: 3).map { $0.uppercased() }
            if words.count >= 2 {
                verb = words[1] == "UID" && words.count >= 3 ? words[2] : words[1]
                if Self.afterLogin.contains(verb) { authenticated = true }
            }
        }
        if text.hasSuffix("}"), let open = text.lastIndex(of: "{") {
            let digits = text[text.index(after: open)..<text.index(before: text.endIndex)].filter { $0 != "+" }
            literalRemaining = Int(digits) ?? 0
            continuing = true
        } else {
            continuing = false
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
