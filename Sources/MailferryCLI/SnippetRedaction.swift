/// Keeps secrets out of the source lines echoed under diagnostics. Masking replaces each scalar
/// with `*`, so columns (and the caret) stay where they were.
enum SnippetRedaction: Sendable, Equatable {
    /// A job file: the value of any `…password:`, `…secret:` or `…token:` key (`client_secret`, an
    /// OAuth2 `token`) is masked unless it is an `env:` or `file:` reference (a literal secret is
    /// already a diagnostic; it must not be printed as well). `token_url` and `token_command` are not
    /// secrets and stay readable.
    case jobFile
    /// A users file holds passwords in its fields: everything is masked except the delimiters and,
    /// when the delimiter is known, an unquoted first field (the source user).
    case usersFile(delimiter: Character?)

    func apply(to line: String) -> String {
        switch self {
        case .jobFile:
            return Self.maskPasswordValues(in: line)
        case .usersFile(let delimiter):
            return Self.maskUsersLine(line, delimiter: delimiter)
        }
    }

    private static func maskUsersLine(_ line: String, delimiter: Character?) -> String {
        let separator = delimiter ?? ","
        let firstField = line.prefix { $0 != separator }
        // A quoted first field may hide a delimiter, and with it the start of a password.
        let showFirstField = delimiter != nil && !firstField.contains("\"")
        var result = ""
        var inFirstField = true
        for character in line {
            if character == separator {
                inFirstField = false
                result.append(character)
            } else if inFirstField && showFirstField {
                result.append(character)
            } else {
                result += String(repeating: "*", count: character.unicodeScalars.count)
            }
        }
        return result
    }

    private static func maskPasswordValues(in line: String) -> String {
        let pattern = #/(?i)[A-Za-z0-9_-]*(password|secret|token)["']?\s*:[ \t]*/#
        var scalars = Array(line.unicodeScalars)
        var searchStart = line.startIndex
        while let match = line[searchStart...].firstMatch(of: pattern) {
            let valueStart = match.range.upperBound
            searchStart = valueStart
            let valueEnd = endOfValue(in: line, from: valueStart)
            let value = String(line[valueStart..<valueEnd])
            let unquoted = value.strippingQuotes()
            if unquoted.hasPrefix("env:") || unquoted.hasPrefix("file:") || value.isEmpty { continue }
            let first = line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: valueStart)
            let count = value.unicodeScalars.count
            for offset in first..<(first + count) { scalars[offset] = "*" }
        }
        var masked = ""
        masked.unicodeScalars.append(contentsOf: scalars)
        return masked
    }

    /// A quoted scalar runs to its closing quote; a plain one to `,` `}` ` #` or the end of the line.
    private static func endOfValue(in line: String, from start: String.Index) -> String.Index {
        guard start < line.endIndex else { return start }
        let quote = line[start]
        if quote == "\"" || quote == "'" {
            var index = line.index(after: start)
            while index < line.endIndex {
                if line[index] == "\\" && quote == "\"" {
                    index = line.index(after: index)
                    if index < line.endIndex { index = line.index(after: index) }
                    continue
                }
                if line[index] == quote { return line.index(after: index) }
                index = line.index(after: index)
            }
            return line.endIndex
        }
        var index = start
        var lastNonSpace = start
        while index < line.endIndex {
            let character = line[index]
            if character == "," || character == "}" { break }
            if character == "#" && index > start && line[line.index(before: index)].isWhitespace { break }
            if !character.isWhitespace { lastNonSpace = line.index(after: index) }
            index = line.index(after: index)
        }
        return lastNonSpace
    }
}

extension String {
    fileprivate func strippingQuotes() -> String {
        let set: Set<Character> = ["\"", "'"]
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
