import MailferryCore

/// GitHub Actions workflow commands, which the runner turns into annotations on the pull request:
/// `::error file=jobs/a.yaml,line=3,col=9::message`.
enum GitHubDiagnosticRenderer {
    static func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    static func render(_ diagnostic: Diagnostic) -> String {
        var command = "::\(diagnostic.severity.rawValue)"
        if let location = diagnostic.location {
            command += " file=\(escapeProperty(location.file)),line=\(location.line),col=\(location.column)"
        }
        return command + "::" + escapeData(diagnostic.message) + "\n"
    }

    /// GitHub's rules for the message part: `%`, CR and LF are percent-encoded.
    static func escapeData(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": escaped += "%25"
            case "\r": escaped += "%0D"
            case "\n": escaped += "%0A"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Property values additionally encode `:` and `,`, which delimit the properties.
    static func escapeProperty(_ text: String) -> String {
        var escaped = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": escaped += "%3A"
            case ",": escaped += "%2C"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
