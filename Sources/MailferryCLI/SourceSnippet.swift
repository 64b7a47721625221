/// A source line as shown under a diagnostic, and the caret line that points into it.
/// Columns count Unicode scalars (as libyaml reports them). Tabs expand to the next multiple of
/// `tabWidth`, wide characters (CJK, emoji) take two cells and combining marks none, so the caret
/// lands under the offending character on a terminal.
struct SourceSnippet: Sendable, Equatable {
    static let tabWidth = 8

    var line: String
    var caret: String

    init(line source: String, column: Int) {
        var shown = ""
        var width = 0
        var caretOffset: Int?
        for (index, scalar) in source.unicodeScalars.enumerated() {
            if index + 1 == column { caretOffset = width }
            if scalar == "\t" {
                let spaces = Self.tabWidth - width % Self.tabWidth
                shown += String(repeating: " ", count: spaces)
                width += spaces
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                shown += "?"
                width += 1
            } else {
                shown.unicodeScalars.append(scalar)
                width += Self.displayWidth(of: scalar)
            }
        }
        line = shown
        caret = String(repeating: " ", count: caretOffset ?? width) + "^"
    }

    /// Terminal cells one scalar takes.
    static func displayWidth(of scalar: Unicode.Scalar) -> Int {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return 0
        default:
            break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        let v = scalar.value
        let wideRanges: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
        ]
        return wideRanges.contains { $0.contains(v) } ? 2 : 1
    }
}
