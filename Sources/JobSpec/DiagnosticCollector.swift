import MailferryCore

/// Collects the diagnostics of one file. Messages never contain a secret value: callers pass
/// names, paths and positions only.
struct DiagnosticCollector: Sendable {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(_ position: YAMLPosition) -> SourceLocation {
        SourceLocation(file: file, line: position.line, column: position.column)
    }

    mutating func error(_ message: String, at position: YAMLPosition) {
        diagnostics.append(.error(message, at: location(position)))
    }

    mutating func warning(_ message: String, at position: YAMLPosition) {
        diagnostics.append(.warning(message, at: location(position)))
    }

    mutating func append(_ more: [Diagnostic]) {
        diagnostics += more
    }
}
