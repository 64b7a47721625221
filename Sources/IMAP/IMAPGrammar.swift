import NIOCore

/// The response grammar of RFC 3501 section 9 and the extensions the client uses, applied to one
/// framed response line. Each function names the ABNF rule it implements.
enum IMAPGrammar {
    private static let space = UInt8(ascii: " ")

    /// `response = continue-req / response-data / response-tagged / response-fatal`
    static func parseResponse(_ line: ResponseLine) throws(IMAPParseError) -> IMAPResponse {
        var cursor = GrammarCursor(line)
        if cursor.skip(UInt8(ascii: "+")) {
            // continue-req = "+" SP (resp-text / base64) CRLF; a missing SP is tolerated.
            _ = cursor.skip(space)
            return .continuation(cursor.restOfLine())
        }
        if cursor.skip(UInt8(ascii: "*")) {
            try cursor.expectSpace("response-data")
            return .untagged(try responseData(&cursor))
        }
        return .tagged(try responseTagged(&cursor))
    }

    /// `response-tagged = tag SP resp-cond-state CRLF`, `tag = 1*<any ASTRING-CHAR except "+">`
    static func responseTagged(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPTaggedResponse {
        let tag = try cursor.take("tag") { GrammarCursor.isAtomChar($0) && $0 != UInt8(ascii: "+") }
        try cursor.expectSpace("response-tagged")
        let status: IMAPResponseStatus
        if cursor.skipKeyword("OK") {
            status = .ok
        } else if cursor.skipKeyword("NO") {
            status = .no
        } else if cursor.skipKeyword("BAD") {
            status = .bad
        } else {
            throw cursor.error("resp-cond-state")
        }
        return IMAPTaggedResponse(tag: tag, status: status, text: respText(&cursor))
    }

    /// `response-data = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data /
    /// capability-data / namespace / id-response / enable-data) CRLF`
    static func responseData(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPUntaggedResponse {
        if let digit = cursor.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
            return try numberedData(&cursor)
        }
        for status in [IMAPResponseStatus.ok, .no, .bad, .preauth, .bye] where cursor.skipKeyword(status.rawValue) {
            return .condition(status, respText(&cursor))
        }
        if cursor.skipKeyword("CAPABILITY") {
            return .capability(try capabilities(&cursor, stopAtBracket: false))
        }
        if cursor.skipKeyword("LIST") {
            try cursor.expectSpace("mailbox-data")
            return .list(try mailboxList(&cursor))
        }
        if cursor.skipKeyword("LSUB") {
            try cursor.expectSpace("mailbox-data")
            return .lsub(try mailboxList(&cursor))
        }
        if cursor.skipKeyword("STATUS") {
            return try statusResponse(&cursor)
        }
        if cursor.skipKeyword("FLAGS") {
            try cursor.expectSpace("mailbox-data")
            return .flags(try flagList(&cursor))
        }
        if cursor.skipKeyword("NAMESPACE") {
            return .namespace(try namespaceResponse(&cursor))
        }
        if cursor.skipKeyword("ID") {
            return .id(try idResponse(&cursor))
        }
        if cursor.skipKeyword("ENABLED") {
            var enabled: [String] = []
            while cursor.skip(space) { enabled.append(try cursor.atom("enable-data")) }
            return .enabled(enabled)
        }
        if cursor.skipKeyword("METADATA") {
            return try metadataResponse(&cursor)
        }
        if cursor.skipKeyword("SEARCH") {
            var numbers: [UInt32] = []
            while cursor.skip(space) {
                if cursor.peek() == UInt8(ascii: "(") {
                    try cursor.skipValue("search-sort-mod-seq")
                } else {
                    numbers.append(try cursor.uint32("mailbox-data"))
                }
            }
            return .search(numbers)
        }
        guard !cursor.isAtEnd else { throw cursor.error("response-data") }
        return .other(cursor.restOfLine())
    }

    /// `message-data = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))`, and
    /// `mailbox-data =/ number SP "EXISTS" / number SP "RECENT"`
    static func numberedData(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPUntaggedResponse {
        let number = try cursor.int("message-data")
        try cursor.expectSpace("message-data")
        if cursor.skipKeyword("EXISTS") { return .exists(number) }
        if cursor.skipKeyword("RECENT") { return .recent(number) }
        if cursor.skipKeyword("EXPUNGE") { return .expunge(number) }
        if cursor.skipKeyword("FETCH") {
            try cursor.expectSpace("message-data")
            return .fetch(try msgAtt(&cursor, sequenceNumber: number))
        }
        return .other(cursor.restOfLine())
    }

    // MARK: resp-text

    /// `resp-text = ["[" resp-text-code "]" SP] text`; a missing text is tolerated.
    static func respText(_ cursor: inout GrammarCursor) -> IMAPResponseText {
        _ = cursor.skip(space)
        guard cursor.peek() == UInt8(ascii: "[") else {
            return IMAPResponseText(text: cursor.restOfLine())
        }
        cursor.advance()
        let codeStart = cursor.position
        let code = respTextCode(&cursor)
        let codeEnd = cursor.position
        guard cursor.skip(UInt8(ascii: "]")) else {
            // Unclosed code: keep everything as text rather than failing the whole response.
            return IMAPResponseText(text: "[" + String(decoding: cursor.line.text[codeStart...], as: UTF8.self))
        }
        _ = cursor.skip(space)
        let raw = String(decoding: cursor.line.text[codeStart..<codeEnd], as: UTF8.self)
        return IMAPResponseText(code: code, text: cursor.restOfLine(), rawCode: raw)
    }

    /// `resp-text-code = "ALERT" / capability-data / "PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")" /
    /// "READ-ONLY" / "READ-WRITE" / "TRYCREATE" / "UIDNEXT" SP nz-number / "UIDVALIDITY" SP nz-number /
    /// "UNSEEN" SP nz-number / resp-code-apnd / "HIGHESTMODSEQ" SP mod-sequence-value /
    /// atom [SP 1*<any TEXT-CHAR except "]">]`
    ///
    /// A known code with malformed arguments falls back to `.other`, so that a quirky server's
    /// human-readable status never aborts a session.
    static func respTextCode(_ cursor: inout GrammarCursor) -> IMAPResponseCode? {
        let start = cursor
        if let code = try? knownRespTextCode(&cursor), cursor.peek() == UInt8(ascii: "]") {
            return code
        }
        cursor = start
        guard let name = try? cursor.take("resp-text-code", while: { $0 != UInt8(ascii: "]") && $0 != space }) else {
            return nil
        }
        var argument: String?
        if cursor.skip(space) {
            argument = try? cursor.take("resp-text-code") { $0 != UInt8(ascii: "]") }
        }
        return .other(name.uppercased(), argument)
    }

    private static func knownRespTextCode(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPResponseCode? {
        let simple: [(String, IMAPResponseCode)] = [
            ("ALERT", .alert), ("READ-ONLY", .readOnly), ("READ-WRITE", .readWrite), ("TRYCREATE", .tryCreate),
            ("NOMODSEQ", .noModSeq), ("AUTHENTICATIONFAILED", .authenticationFailed),
            ("AUTHORIZATIONFAILED", .authorizationFailed), ("UNAVAILABLE", .unavailable),
            ("OVERQUOTA", .overQuota), ("LIMIT", .limit), ("NONEXISTENT", .nonExistent),
            ("ALREADYEXISTS", .alreadyExists),
        ]
        for (keyword, code) in simple where cursor.skipKeyword(keyword) { return code }
        if cursor.skipKeyword("CAPABILITY") {
            return .capability(try capabilities(&cursor, stopAtBracket: true))
        }
        if cursor.skipKeyword("PERMANENTFLAGS") {
            try cursor.expectSpace("resp-text-code")
            return .permanentFlags(try flagList(&cursor))
        }
        if cursor.skipKeyword("UIDNEXT") {
            try cursor.expectSpace("resp-text-code")
            return .uidNext(try cursor.uint32("nz-number"))
        }
        if cursor.skipKeyword("UIDVALIDITY") {
            try cursor.expectSpace("resp-text-code")
            return .uidValidity(try cursor.uint32("nz-number"))
        }
        if cursor.skipKeyword("UNSEEN") {
            try cursor.expectSpace("resp-text-code")
            return .unseen(try cursor.uint32("nz-number"))
        }
        if cursor.skipKeyword("HIGHESTMODSEQ") {
            try cursor.expectSpace("resp-text-code")
            return .highestModSeq(try cursor.number("mod-sequence-value"))
        }
        if cursor.skipKeyword("APPENDUID") {
            // resp-code-apnd = "APPENDUID" SP nz-number SP append-uid; append-uid = uniqueid / uid-set
            try cursor.expectSpace("resp-code-apnd")
            let validity = try cursor.uint32("nz-number")
            try cursor.expectSpace("resp-code-apnd")
            return .appendUID(uidValidity: validity, uids: try uidSet(&cursor))
        }
        return nil
    }

    /// `uid-set = (uniqueid / uid-range) *("," uid-set)`, `uid-range = (uniqueid ":" uniqueid)`
    static func uidSet(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> [UInt32] {
        var uids: [UInt32] = []
        repeat {
            let first = try cursor.uint32("uid-set")
            if cursor.skip(UInt8(ascii: ":")) {
                let last = try cursor.uint32("uid-range")
                let range = min(first, last)...max(first, last)
                guard range.count <= 1_000_000 else { throw cursor.error("uid-range") }
                uids.append(contentsOf: range)
            } else {
                uids.append(first)
            }
        } while cursor.skip(UInt8(ascii: ","))
        return uids
    }

    /// `capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev1" *(SP capability)`,
    /// `capability = ("AUTH=" auth-type) / atom`
    static func capabilities(_ cursor: inout GrammarCursor, stopAtBracket: Bool) throws(IMAPParseError) -> [String] {
        var result: [String] = []
        while cursor.skip(space) {
            if cursor.isAtEnd || (stopAtBracket && cursor.peek() == UInt8(ascii: "]")) { break }
            result.append(try cursor.take("capability") { $0 > space && $0 < 0x7F && $0 != UInt8(ascii: "]") })
        }
        return result
    }

    // MARK: flags

    /// `flag-list = "(" [flag *(SP flag)] ")"`; also accepts `flag-perm = flag / "\*"`
    static func flagList(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> [String] {
        try cursor.expect(UInt8(ascii: "("), "flag-list")
        var flags: [String] = []
        if cursor.skip(UInt8(ascii: ")")) { return flags }
        repeat {
            flags.append(try flag(&cursor))
        } while cursor.skip(space)
        try cursor.expect(UInt8(ascii: ")"), "flag-list")
        return flags
    }

    /// `flag = "\Answered" / … / flag-keyword / flag-extension`, `flag-extension = "\" atom`
    static func flag(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> String {
        if cursor.skip(UInt8(ascii: "\\")) {
            if cursor.skip(UInt8(ascii: "*")) { return "\\*" }
            return "\\" + (try cursor.atom("flag-extension"))
        }
        return try cursor.atom("flag-keyword")
    }

    // MARK: mailbox data

    /// `mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
    /// [SP mbox-list-extended]` (RFC 5258)
    static func mailboxList(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPListEntry {
        try cursor.expect(UInt8(ascii: "("), "mailbox-list")
        var attributes: [String] = []
        if !cursor.skip(UInt8(ascii: ")")) {
            repeat {
                attributes.append(try flag(&cursor))
            } while cursor.skip(space)
            try cursor.expect(UInt8(ascii: ")"), "mbx-list-flags")
        }
        try cursor.expectSpace("mailbox-list")
        var delimiter: Character?
        if !cursor.skipKeyword("NIL") {
            let bytes = try cursor.quoted("QUOTED-CHAR")
            guard bytes.count == 1, let byte = bytes.first else { throw cursor.error("QUOTED-CHAR") }
            delimiter = Character(UnicodeScalar(byte))
        }
        try cursor.expectSpace("mailbox-list")
        let wireName = try mailbox(&cursor)
        // mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"
        if cursor.skip(space) { try cursor.skipValue("mbox-list-extended") }
        return IMAPListEntry(
            attributes: attributes, delimiter: delimiter,
            name: (try? ModifiedUTF7.decode(wireName)) ?? wireName, wireName: wireName)
    }

    /// `mailbox = "INBOX" / astring` (INBOX is case-insensitive)
    static func mailbox(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> String {
        let name = try cursor.astring("mailbox")
        return name.caseInsensitiveCompare("INBOX") ? "INBOX" : name
    }

    /// `"STATUS" SP mailbox SP "(" [status-att-list] ")"`,
    /// `status-att-list = status-att SP number *(SP status-att SP number)`
    static func statusResponse(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPUntaggedResponse {
        try cursor.expectSpace("mailbox-data")
        let wireName = try mailbox(&cursor)
        try cursor.expectSpace("mailbox-data")
        try cursor.expect(UInt8(ascii: "("), "status-att-list")
        var status = IMAPMailboxStatus()
        if !cursor.skip(UInt8(ascii: ")")) {
            repeat {
                let attribute = try cursor.atom("status-att").uppercased()
                try cursor.expectSpace("status-att-list")
                let value = try cursor.number("number")
                // Counts and UIDs are 32-bit (RFC 3501 `number`, `nz-number`); larger is malformed.
                let small = UInt32(exactly: value)
                if small == nil, ["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN"].contains(attribute) {
                    throw cursor.error("status-att-list")
                }
                switch attribute {
                case "MESSAGES": status.messages = small.map(Int.init)
                case "RECENT": status.recent = small.map(Int.init)
                case "UIDNEXT": status.uidNext = small
                case "UIDVALIDITY": status.uidValidity = small
                case "UNSEEN": status.unseen = small.map(Int.init)
                case "HIGHESTMODSEQ": status.highestModSeq = value
                default: break
                }
            } while cursor.skip(space)
            try cursor.expect(UInt8(ascii: ")"), "status-att-list")
        }
        return .status(mailbox: (try? ModifiedUTF7.decode(wireName)) ?? wireName, status)
    }

    /// RFC 5464: `metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list)`,
    /// `entry-values = "(" entry-value *(SP entry-value) ")"`, `entry-value = entry SP value`,
    /// `value = nstring / literal8`; the unsolicited `entry-list = entry *(SP entry)` names entries only.
    static func metadataResponse(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPUntaggedResponse {
        try cursor.expectSpace("metadata-resp")
        let wireName = try mailbox(&cursor)
        try cursor.expectSpace("metadata-resp")
        var entries: [IMAPMetadataEntry] = []
        if cursor.skip(UInt8(ascii: "(")) {
            repeat {
                let name = try cursor.astring("entry")
                try cursor.expectSpace("entry-value")
                let value = try cursor.nstring("value")
                entries.append(IMAPMetadataEntry(name: name, value: value.map { Array($0.readableBytesView) }))
            } while cursor.skip(space)
            try cursor.expect(UInt8(ascii: ")"), "entry-values")
        } else {
            repeat {
                entries.append(IMAPMetadataEntry(name: try cursor.astring("entry"), value: nil))
            } while cursor.skip(space)
        }
        return .metadata(mailbox: (try? ModifiedUTF7.decode(wireName)) ?? wireName, entries)
    }

    /// RFC 2342: `Namespace = nil / "(" 1*( "(" string SP (<"> QUOTED_CHAR <"> / nil)
    /// *(Namespace_Response_Extension) ")" ) ")"`
    static func namespaceResponse(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPNamespaces {
        var groups: [[IMAPNamespaces.Entry]] = []
        for _ in 0..<3 {
            try cursor.expectSpace("Namespace_Response")
            var entries: [IMAPNamespaces.Entry] = []
            if !cursor.skipKeyword("NIL") {
                try cursor.expect(UInt8(ascii: "("), "Namespace")
                while cursor.skip(UInt8(ascii: "(")) {
                    let prefix = String(buffer: try cursor.string("Namespace"))
                    try cursor.expectSpace("Namespace")
                    var delimiter: Character?
                    if !cursor.skipKeyword("NIL") {
                        let bytes = try cursor.quoted("QUOTED_CHAR")
                        guard bytes.count == 1, let byte = bytes.first else { throw cursor.error("QUOTED_CHAR") }
                        delimiter = Character(UnicodeScalar(byte))
                    }
                    // Namespace_Response_Extension = SP string SP "(" string *(SP string) ")"
                    while cursor.skip(space) { try cursor.skipValue("Namespace_Response_Extension") }
                    try cursor.expect(UInt8(ascii: ")"), "Namespace")
                    entries.append(IMAPNamespaces.Entry(prefix: prefix, delimiter: delimiter))
                }
                try cursor.expect(UInt8(ascii: ")"), "Namespace")
            }
            groups.append(entries)
        }
        return IMAPNamespaces(personal: groups[0], otherUsers: groups[1], shared: groups[2])
    }

    /// RFC 2971: `id-response = "ID" SP id-params-list`,
    /// `id-params-list = "(" *(string SP nstring) ")" / nil`
    static func idResponse(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> [String: String] {
        try cursor.expectSpace("id-response")
        var fields: [String: String] = [:]
        if cursor.skipKeyword("NIL") { return fields }
        try cursor.expect(UInt8(ascii: "("), "id-params-list")
        while !cursor.skip(UInt8(ascii: ")")) {
            _ = cursor.skip(space)
            let key = String(buffer: try cursor.string("id-params-list"))
            try cursor.expectSpace("id-params-list")
            if let value = try cursor.nstring("nstring") { fields[key] = String(buffer: value) }
        }
        return fields
    }

    // MARK: FETCH

    /// `msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP (msg-att-dynamic / msg-att-static)) ")"`
    static func msgAtt(_ cursor: inout GrammarCursor, sequenceNumber: Int) throws(IMAPParseError) -> IMAPFetchResponse {
        var fetch = IMAPFetchResponse(sequenceNumber: sequenceNumber)
        try cursor.expect(UInt8(ascii: "("), "msg-att")
        if cursor.skip(UInt8(ascii: ")")) { return fetch }
        repeat {
            try msgAttItem(&cursor, into: &fetch)
        } while cursor.skip(space)
        try cursor.expect(UInt8(ascii: ")"), "msg-att")
        return fetch
    }

    /// `msg-att-static = "INTERNALDATE" SP date-time / "RFC822.SIZE" SP number /
    /// "BODY" section ["<" number ">"] SP nstring / "UID" SP uniqueid / …`,
    /// `msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"`,
    /// RFC 7162 `fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")"`
    static func msgAttItem(_ cursor: inout GrammarCursor, into fetch: inout IMAPFetchResponse) throws(IMAPParseError) {
        let name = try cursor.take("msg-att") { GrammarCursor.isAtomChar($0) && $0 != UInt8(ascii: "[") }.uppercased()
        switch name {
        case "UID":
            try cursor.expectSpace("msg-att-static")
            fetch.uid = try cursor.uint32("uniqueid")
        case "FLAGS":
            try cursor.expectSpace("msg-att-dynamic")
            fetch.flags = try flagList(&cursor)
        case "INTERNALDATE":
            try cursor.expectSpace("msg-att-static")
            let text = String(decoding: try cursor.quoted("date-time"), as: UTF8.self)
            guard let date = IMAPDateTime(text) else { throw cursor.error("date-time") }
            fetch.internalDate = date
        case "RFC822.SIZE":
            try cursor.expectSpace("msg-att-static")
            fetch.rfc822Size = try cursor.int("number")
        case "MODSEQ":
            try cursor.expectSpace("fetch-mod-resp")
            try cursor.expect(UInt8(ascii: "("), "fetch-mod-resp")
            fetch.modSeq = try cursor.number("permsg-modsequence")
            try cursor.expect(UInt8(ascii: ")"), "fetch-mod-resp")
        case "X-GM-MSGID":
            try cursor.expectSpace("x-gm-msgid")
            fetch.gmailMessageID = try cursor.number("x-gm-msgid")
        case "X-GM-LABELS":
            try cursor.expectSpace("x-gm-labels")
            fetch.gmailLabels = try gmailLabels(&cursor)
        case "BODY" where cursor.peek() == UInt8(ascii: "["), "BINARY" where cursor.peek() == UInt8(ascii: "["):
            let section = try sectionSpec(&cursor)
            try cursor.expectSpace("msg-att-static")
            fetch.bodySections[section] = try bodyValue(&cursor)
        case "RFC822", "RFC822.HEADER", "RFC822.TEXT":
            try cursor.expectSpace("msg-att-static")
            fetch.bodySections[name] = try bodyValue(&cursor)
        default:
            // ENVELOPE, BODYSTRUCTURE, X-GM-THRID and anything new: skipped, not fatal.
            try cursor.expectSpace("msg-att")
            try cursor.skipValue("msg-att")
        }
    }

    /// Gmail's `X-GM-LABELS SP "(" [label *(SP label)] ")"`, a label being an astring (quoted, a
    /// literal or an atom) or a system label written like a flag (`\Inbox`, `\Important`).
    /// Quoted system labels arrive as `"\\Inbox"` and unquote to the same `\Inbox`.
    static func gmailLabels(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> [String] {
        try cursor.expect(UInt8(ascii: "("), "x-gm-labels")
        var labels: [String] = []
        if cursor.skip(UInt8(ascii: ")")) { return labels }
        repeat {
            if cursor.skip(UInt8(ascii: "\\")) {
                labels.append("\\" + (try cursor.atom("x-gm-labels")))
            } else {
                labels.append(try cursor.astring("x-gm-labels"))
            }
        } while cursor.skip(space)
        try cursor.expect(UInt8(ascii: ")"), "x-gm-labels")
        return labels
    }

    /// `section = "[" [section-spec] "]"` then the optional `"<" number ">"` origin.
    /// Returns the section text between the brackets.
    static func sectionSpec(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> String {
        try cursor.expect(UInt8(ascii: "["), "section")
        var text: [UInt8] = []
        while let byte = cursor.peek(), byte != UInt8(ascii: "]") {
            text.append(byte)
            cursor.advance()
        }
        try cursor.expect(UInt8(ascii: "]"), "section")
        if cursor.skip(UInt8(ascii: "<")) {
            _ = try cursor.number("number")
            try cursor.expect(UInt8(ascii: ">"), "section-partial")
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `nstring` of a body section; a streamed literal is recorded by size only.
    static func bodyValue(_ cursor: inout GrammarCursor) throws(IMAPParseError) -> IMAPFetchResponse.BodyValue {
        switch cursor.literal() {
        case .streamed(let byteCount): return .streamed(byteCount: byteCount)
        case .bytes(let bytes): return .bytes(bytes)
        case nil:
            if cursor.skipKeyword("NIL") { return .nil }
            return .bytes(ByteBuffer(bytes: try cursor.quoted("nstring")))
        }
    }
}
