import MailferryCore

/// Source text with expected diagnostic positions marked inside it, so that tests never count
/// columns by hand: `‸` (U+2038) is removed and its line:column remembered, in order of appearance.
///
///     port: ‸70000      → marks[0] is line 1, column 7
struct MarkedText {
    static let marker: Unicode.Scalar = "\u{2038}"

    let text: String
    /// 1-based (line, column), columns in Unicode scalars as the validator counts them.
    let marks: [(line: Int, column: Int)]

    init(_ marked: String) {
        var scalars = String.UnicodeScalarView()
        var marks: [(Int, Int)] = []
        var line = 1
        var column = 1
        for scalar in marked.unicodeScalars {
            if scalar == Self.marker {
                marks.append((line, column))
                continue
            }
            scalars.append(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        self.text = String(scalars)
        self.marks = marks
    }

    func location(_ index: Int, in file: String) -> Location {
        Location(file: file, line: marks[index].line, column: marks[index].column)
    }
}

/// MailferryCore's position type; `Testing` has a `SourceLocation` of its own.
typealias Location = MailferryCore.SourceLocation
