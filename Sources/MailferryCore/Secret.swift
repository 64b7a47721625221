import Foundation

/// A secret value (a password). It cannot be printed, interpolated, logged or encoded by accident:
/// `description` and `debugDescription` are redacted and the type is deliberately not `Codable`.
/// The only way to the characters is `revealed()`, called where credentials go on the wire.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let storage: String

    public init(_ value: String) { storage = value }

    public func revealed() -> String { storage }

    public var isEmpty: Bool { storage.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// How a job file names an admin password: `env:NAME`, `file:PATH`, or (discouraged) a literal.
/// The reference itself is printable (it names where the secret lives, not the secret); the value is
/// resolved only at use time, so `validate` and `plan --offline` never read it.
public enum SecretReference: Sendable, Hashable, CustomStringConvertible {
    case environment(String)
    case file(String)
    case literal(Secret)

    public init(parsing text: String) {
        if text.hasPrefix("env:") {
            self = .environment(String(text.dropFirst(4)))
        } else if text.hasPrefix("file:") {
            self = .file(String(text.dropFirst(5)))
        } else {
            self = .literal(Secret(text))
        }
    }

    public var description: String {
        switch self {
        case .environment(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        case .literal: return "<literal>"
        }
    }

    /// Resolves the secret. `environment` is passed in so that only the CLI reads the process environment.
    /// A file's trailing newline is dropped (editors add one).
    public func resolve(environment: [String: String], relativeTo directory: String) throws(SecretResolutionError)
        -> Secret
    {
        switch self {
        case .literal(let secret):
            return secret
        case .environment(let name):
            guard let value = environment[name] else { throw .environmentVariableMissing(name) }
            return Secret(value)
        case .file(let path):
            let full = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: full),
                var text = String(data: data, encoding: .utf8)
            else { throw .fileUnreadable(full) }
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return Secret(text)
        }
    }
}

public enum SecretResolutionError: UserFacingError, Equatable {
    case environmentVariableMissing(String)
    case fileUnreadable(String)

    public var userMessage: String {
        switch self {
        case .environmentVariableMissing(let name):
            return "environment variable \(name) is not set; export it before running mailferry"
        case .fileUnreadable(let path):
            return "cannot read secret file \(path); check that it exists and is readable by this user"
        }
    }
}
