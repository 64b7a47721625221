import MailferryCore

/// Diagnostics as a compiler prints them: `path:line:col: error: message`, the source line, a caret.
struct TextDiagnosticRenderer {
    var style: TerminalStyle
    var sources: SourceLines

    init(colors: Bool, sources: SourceLines) {
        self.style = TerminalStyle(enabled: colors)
        self.sources = sources
    }

    mutating func render(_ diagnostics: [Diagnostic]) -> String {
        var text = ""
        for diagnostic in diagnostics { text += render(diagnostic) }
        return text
    }

    mutating func render(_ diagnostic: Diagnostic) -> String {
        let label: String
        switch diagnostic.severity {
        case .error: label = style.red("error:")
        case .warning: label = style.magenta("warning:")
        }
        guard let location = diagnostic.location else {
            return "\(label) \(style.bold(diagnostic.message))\n"
        }
        var text = "\(style.bold("\(location):")) \(label) \(style.bold(diagnostic.message))\n"
        if let line = sources.line(location.line, of: location.file) {
            let snippet = SourceSnippet(line: line, column: location.column)
            text += snippet.line + "\n" + snippet.caret.dropLast() + style.green("^") + "\n"
        }
        return text
    }
}
