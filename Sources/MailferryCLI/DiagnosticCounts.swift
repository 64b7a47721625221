import MailferryCore

/// The summary line after diagnostics: `2 errors, 1 warning`.
struct DiagnosticCounts: Sendable, Equatable {
    var errors: Int
    var warnings: Int

    init(_ diagnostics: [Diagnostic]) {
        errors = diagnostics.filter { $0.severity == .error }.count
        warnings = diagnostics.filter { $0.severity == .warning }.count
    }

    var summary: String {
        "\(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")"
    }
}
