import MailferryCore

/// A message file name: `<base>:2,<flag letters>` (the info part is absent on files still in `new/`).
/// The base never changes once delivered; only the letters after ":2," do.
struct MaildirFileName: Hashable, Sendable {
    /// Dovecot's letters for the IMAP system flags (maildir-filename-flags.c).
    static let systemFlagLetters: [String: Character] = [
        "\\Draft": "D", "\\Flagged": "F", "\\Answered": "R", "\\Seen": "S", "\\Deleted": "T",
    ]
    /// Dovecot indexes keywords a-z, so at most 26 per folder are kept in file names.
    static let keywordLetters = Array("abcdefghijklmnopqrstuvwxyz")

    var base: String
    /// The letters after ":2,", or nil for a name without an info part.
    var info: String?

    init(base: String, info: String?) {
        self.base = base
        self.info = info
    }

    init(parsing name: String) {
        if let range = name.range(of: ":2,") {
            base = String(name[..<range.lowerBound])
            info = String(name[range.upperBound...])
        } else {
            base = name
            info = nil
        }
    }

    var name: String { info.map { "\(base):2,\($0)" } ?? base }

    /// A value of a `,X=` field of the base (Dovecot's `S=` file size, `W=` size with CRLF line ends).
    func sizeField(_ letter: Character) -> Int64? {
        let fields = base.split(separator: ",").dropFirst()
        for field in fields where field.first == letter && field.dropFirst().first == "=" {
            return Int64(field.dropFirst(2))
        }
        return nil
    }

    /// System flags and the keywords whose letters the folder's `dovecot-keywords` names.
    func flags(keywords: [Int: String]) -> MessageFlags {
        var values: [String] = []
        for letter in info ?? "" {
            if let flag = Self.systemFlagLetters.first(where: { $0.value == letter })?.key {
                values.append(flag)
            } else if let index = Self.keywordLetters.firstIndex(of: letter), let keyword = keywords[index] {
                values.append(keyword)
            }
        }
        return MessageFlags(values)
    }

    /// The info letters for `flags` in ASCII order, as Dovecot writes them. Letters this store does not
    /// manage (e.g. "P" from another MUA) are kept from `preserving`.
    static func infoLetters(
        for flags: MessageFlags, keywordIndex: [String: Int], preserving existing: String? = nil
    ) -> String {
        var letters = Set<Character>()
        for flag in flags.system {
            if let letter = systemFlagLetters[flag] { letters.insert(letter) }
        }
        for keyword in flags.keywords {
            if let index = keywordIndex[keyword], index < keywordLetters.count { letters.insert(keywordLetters[index]) }
        }
        let managed = Set(systemFlagLetters.values).union(keywordLetters)
        for letter in existing ?? "" where !managed.contains(letter) { letters.insert(letter) }
        return String(letters.sorted())
    }

    /// `<secs>.M<usecs>P<pid>Q<counter>.<host>`: unique per the Maildir convention. The delivered base
    /// appends Dovecot's size fields (`sizedBase`) so that it never has to read the file for RFC822.SIZE.
    static func uniqueStem(seconds: Int64, microseconds: Int, pid: Int32, counter: UInt64, host: String) -> String {
        "\(seconds).M\(microseconds)P\(pid)Q\(counter).\(sanitizedHost(host))"
    }

    /// `<stem>,S=<file size>,W=<size with CRLF line ends>`.
    static func sizedBase(stem: String, size: Int64, crlfSize: Int64) -> String {
        "\(stem),S=\(size),W=\(crlfSize)"
    }

    /// The Maildir convention escapes "/" and ":" in the host name; "," is escaped too because Dovecot
    /// parses `,S=` fields after it.
    static func sanitizedHost(_ host: String) -> String {
        var result = ""
        for character in host.isEmpty ? "localhost" : host {
            switch character {
            case "/": result += "\\057"
            case ":": result += "\\072"
            case ",": result += "\\054"
            default: result.append(character)
            }
        }
        return result
    }
}
