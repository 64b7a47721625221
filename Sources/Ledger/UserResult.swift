import Foundation

/// How a user's migration ended, as the executor reports it.
public enum UserState: String, Sendable, Hashable, Codable, CaseIterable {
    case done
    case partial
    case failed
}

/// A user's state as `status` shows it: the finished states plus the two a user has while or
/// after a run that did not reach `userFinished`.
public enum UserResultState: String, Sendable, Hashable, Codable, CaseIterable {
    case running
    case done
    case partial
    case failed
    /// The run stopped (signal, crash, SIGKILL) before this user finished.
    case interrupted

    public init(_ state: UserState) {
        switch state {
        case .done: self = .done
        case .partial: self = .partial
        case .failed: self = .failed
        }
    }
}

/// The latest result of one user: one row of `status`.
public struct UserResult: Sendable, Hashable {
    public var runID: RunID
    public var sourceUser: String
    public var destinationUser: String
    public var state: UserResultState
    public var counts: UserCounts
    public var startedAt: Date
    /// Nil while running and for an interrupted user.
    public var finishedAt: Date?
    public var lastError: String?

    public init(
        runID: RunID, sourceUser: String, destinationUser: String, state: UserResultState, counts: UserCounts,
        startedAt: Date, finishedAt: Date?, lastError: String?
    ) {
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
