/// Splits text into lines at LF, CR LF or a lone CR: the conventions files arrive in from Unix,
/// Windows (spreadsheets, `core.autocrlf`) and old Mac tools.
///
/// Works over Unicode scalars because Swift's `Character` treats CR LF as one character: splitting a
/// `String` at "\n" never splits a Windows line. Every reader of a user's file goes through here, so
/// that line numbers agree everywhere.
public enum TextLines {
    /// The lines of `text` without their terminators. A final terminator ends the last line rather
    /// than starting an empty one, so "a\r\nb\r\n" and "a\nb" both give ["a", "b"]; an empty text
    /// gives no lines.
    public static func split<S: StringProtocol>(_ text: S) -> [Substring] {
        let scalars = text.unicodeScalars
        var lines: [Substring] = []
        var start = scalars.startIndex
        var index = start
        while index != scalars.endIndex {
            let scalar = scalars[index]
            guard scalar == "\n" || scalar == "\r" else {
                index = scalars.index(after: index)
                continue
            }
            lines.append(Substring(Substring.UnicodeScalarView(scalars[start..<index])))
            index = scalars.index(after: index)
            if scalar == "\r", index != scalars.endIndex, scalars[index] == "\n" {
                index = scalars.index(after: index)
            }
            start = index
        }
        if start != scalars.endIndex { lines.append(Substring(Substring.UnicodeScalarView(scalars[start...]))) }
        return lines
    }

    /// `text` with every line terminator written as LF (and a final one kept), for parsers that only
    /// know LF; line numbers and columns stay those of the original.
    public static func normalized(_ text: String) -> String {
        guard text.unicodeScalars.contains("\r") else { return text }
        var result = split(text).joined(separator: "\n")
        if let last = text.unicodeScalars.last, last == "\n" || last == "\r" { result += "\n" }
        return result
    }
}
