import Foundation

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

    static func readUTF8(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func split(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
    }
}
