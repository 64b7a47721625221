import Foundation

/// A user's state, one type from the engine's outcome through the state database to every report.
/// A migration ends `done`, `partial` or `failed`; the state database also holds `running` (and
/// `interrupted` for a run that stopped before the user finished) and `paused` (a used-up daily
/// budget); reports add `notStarted`.
public enum UserState: String, Sendable, Hashable, Codable, CaseIterable {
    case done
    case partial
    case failed
    case running
    /// The run stopped (signal, crash, SIGKILL) before this user finished.
    case interrupted
    /// A daily budget (`limits.bytes_per_day`) is used up: nothing failed, the user goes on at
    /// `resumeAt`; the run finished the other users.
    case paused
    /// No apply has reached this user (reports only; never stored).
    case notStarted = "not_started"

    /// How the text table shows it.
    public var label: String { self == .notStarted ? "not started" : rawValue }
}

/// The latest result of one user: one row of `status`.
public struct UserResult: Sendable, Hashable {
    public var runID: RunID
    public var sourceUser: String
    public var destinationUser: String
    public var state: UserState
    public var counts: UserCounts
    public var startedAt: Date
    /// Nil while running and for an interrupted user.
    public var finishedAt: Date?
    public var lastError: String?
    /// For a paused user: when it may go on.
    public var resumeAt: Date?

    public init(
        runID: RunID, sourceUser: String, destinationUser: String, state: UserState, counts: UserCounts,
        startedAt: Date, finishedAt: Date?, lastError: String?, resumeAt: Date? = nil
    ) {
        self.resumeAt = resumeAt
        self.runID = runID
        self.sourceUser = sourceUser
        self.destinationUser = destinationUser
        self.state = state
        self.counts = counts
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.lastError = lastError
    }

    /// Seconds from start to finish; nil until the user finished (the CLI shows elapsed time from `startedAt`).
    public var duration: TimeInterval? { finishedAt.map { $0.timeIntervalSince(startedAt) } }
}
