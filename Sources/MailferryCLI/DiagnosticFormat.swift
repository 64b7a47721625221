import ArgumentParser

/// `validate --format`.
enum DiagnosticFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// `path:line:col: error: message`, the source line and a caret, as compilers print them.
    case text
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`).
    case github
    /// An array of `{severity, file, line, column, message}`.
    case json
}
