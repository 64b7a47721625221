import Foundation
import MailferryCore

/// Reads the lines of the files diagnostics point into, once per file, with secrets masked.
struct SourceLines {
    /// How to mask each file's lines; files not listed are treated as job files.
    var redactions: [String: SnippetRedaction]
    var readFile: (String) -> String?
    private var cache: [String: [String]] = [:]

    init(
        redactions: [String: SnippetRedaction] = [:],
        readFile: @escaping (String) -> String? = SourceLines.readUTF8
    ) {
        self.redactions = redactions
        self.readFile = readFile
    }

    /// The 1-based line `number` of `file`, masked; nil when the file or line does not exist.
    mutating func line(_ number: Int, of file: String) -> String? {
        let lines: [String]
        if let cached = cache[file] {
            lines = cached
        } else {
            lines = readFile(file).map(Self.split) ?? []
            cache[file] = lines
        }
        guard number >= 1, number <= lines.count else { return nil }
        return (redactions[file] ?? .jobFile).apply(to: lines[number - 1])
    }

    /// The file's text without a byte order mark; bytes that are not UTF-8 show as U+FFFD. Nil for
    /// UTF-16 and UTF-32 files, whose lines would show as noise.
    static func readUTF8(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        switch TextFileDecoding.decode(data) {
        case .success(let text): return text
        case .failure(.utf16OrUTF32): return nil
        case .failure(.notUTF8): return String(decoding: data, as: UTF8.self)
        }
    }

    private static func split(_ text: String) -> [String] {
        TextLines.split(text).map(String.init)
    }
}
