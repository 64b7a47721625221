/// Identifies one `apply` (or dry run) in the state database.
public struct RunID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { "run \(rawValue)" }

    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The command that started a run; stored as its raw value.
public enum RunCommand: String, Sendable, Hashable, Codable, CaseIterable {
    case apply
    case dryRun = "dry-run"
}

/// How a run ended; stored as its raw value.
public enum RunOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every selected user done.
    case completed
    /// At least one user partial or failed, the others done.
    case partial
    /// A fatal error before or while running users.
    case failed
    /// Stopped by a signal, or its process vanished (recorded by the next run or `finishRun`).
    case interrupted
}
