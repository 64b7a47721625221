import MailferryCore

/// A folder's `dovecot-keywords` file: lines "<index> <keyword>", index 0-25 naming the letters a-z
/// in file names. Existing indices are never changed (other files use them); new keywords take the
/// lowest free index.
struct MaildirKeywords: Equatable, Sendable {
    static let fileName = "dovecot-keywords"

    private(set) var byIndex: [Int: String] = [:]

    init(byIndex: [Int: String] = [:]) { self.byIndex = byIndex }

    init(parsing bytes: [UInt8]) {
        for line in TextLines.split(String(decoding: bytes, as: UTF8.self)) {
            guard let space = line.firstIndex(of: " "), let index = Int(line[..<space]),
                index >= 0, index < MaildirFileName.keywordLetters.count
            else { continue }
            let keyword = String(line[line.index(after: space)...])
            if !keyword.isEmpty { byIndex[index] = keyword }
        }
    }

    var indexByKeyword: [String: Int] {
        Dictionary(byIndex.map { ($0.value, $0.key) }, uniquingKeysWith: min)
    }

    /// Adds the keywords not listed yet; returns false when nothing changed. Keywords beyond the 26th
    /// get no index (Dovecot itself keeps those only in its index files) and are dropped by the caller.
    mutating func add(_ keywords: Set<String>) -> Bool {
        let known = Set(byIndex.values)
        var changed = false
        for keyword in keywords.sorted() where !known.contains(keyword) && Self.isStorable(keyword) {
            guard let free = (0..<MaildirFileName.keywordLetters.count).first(where: { byIndex[$0] == nil }) else {
                break
            }
            byIndex[free] = keyword
            changed = true
        }
        return changed
    }

    var serialized: [UInt8] {
        Array(byIndex.keys.sorted().map { "\($0) \(byIndex[$0] ?? "")\n" }.joined().utf8)
    }

    /// IMAP atoms only: no spaces, line breaks or control characters that would break the file.
    static func isStorable(_ keyword: String) -> Bool {
        !keyword.isEmpty && !keyword.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }
}
