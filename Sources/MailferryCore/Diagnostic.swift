/// One problem found in a job file or users file, at the exact position of the offending value.
public struct Diagnostic: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    public var severity: Severity
    /// Absent only when no position exists (e.g. a users file that cannot be opened at all).
    public var location: SourceLocation?
    public var message: String

    public init(_ severity: Severity, at location: SourceLocation?, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    public static func error(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.error, at: location, message)
    }

    public static func warning(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.warning, at: location, message)
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Stable order for output: by file, line, column, then severity and message.
    public func sortedForOutput() -> [Diagnostic] {
        sorted { a, b in
            let la = a.location ?? SourceLocation(file: "", line: 0, column: 0)
            let lb = b.location ?? SourceLocation(file: "", line: 0, column: 0)
            if la != lb { return la < lb }
            if a.severity != b.severity { return a.severity < b.severity }
            return a.message < b.message
        }
    }
}
