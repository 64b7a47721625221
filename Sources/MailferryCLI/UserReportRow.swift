import Foundation
import Ledger

/// One user's line in `status` and in apply's final report: the same columns in text and JSON.
struct UserReportRow: Sendable, Equatable {
    var sourceUser: String
    var destinationUser: String
    var state: UserState
    /// The run that produced this row; nil when not started.
    var run: Int64?
    var counts: UserCounts
    var startedAt: Date?
    var finishedAt: Date?
    /// Finished: start to finish; running: elapsed so far; nil when not started or interrupted.
    var durationSeconds: Double?
    var lastError: String?
    /// When the user last finished an apply done: the last complete pass (nil: never).
    var lastCompletedAt: Date?
    /// For a paused user: when it may go on.
    var resumeAt: Date?

    /// The STATE cell: "paused until 2027-01-16 08:00Z" for a paused user, else the state's label.
    var stateText: String {
        guard state == .paused, let resumeAt else { return state.label }
        return "paused until " + UserReportRow.minute(resumeAt)
    }

    /// "2026-12-06 17:01Z": UTC to the minute, as the table shows times.
    static func minute(_ date: Date) -> String {
        String(UserReportJSON.timestamp(date).prefix(16)).replacingOccurrences(of: "T", with: " ") + "Z"
    }

    static func notStarted(sourceUser: String, destinationUser: String) -> UserReportRow {
        UserReportRow(
            sourceUser: sourceUser, destinationUser: destinationUser, state: .notStarted, run: nil, counts: .zero,
            startedAt: nil, finishedAt: nil, durationSeconds: nil, lastError: nil)
    }

    /// A row from the ledger; `now` gives a running user's elapsed time.
    init(_ result: UserResult, now: Date) {
        let state = result.state
        var duration = result.duration
        if duration == nil, state == .running { duration = now.timeIntervalSince(result.startedAt) }
        self.init(
            sourceUser: result.sourceUser, destinationUser: result.destinationUser, state: state,
            run: result.runID.rawValue, counts: result.counts, startedAt: result.startedAt,
            finishedAt: result.finishedAt, durationSeconds: duration, lastError: result.lastError,
            resumeAt: result.resumeAt)
    }

    init(
        sourceUser: String, destinationUser: String, state: UserState, run: Int64?, counts: UserCounts,
        startedAt: Date?,
        finishedAt: Date?, durationSeconds: Double?, lastError: String?, lastCompletedAt: Date? = nil,
        resumeAt: Date? = nil
    ) {
        self.resumeAt = resumeAt
        self.lastCompletedAt = lastCompletedAt
        self.sourceUser = sourceUser
        self.destinationUser = destinationUser
        self.state = state
        self.run = run
        self.counts = counts
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.lastError = lastError
    }
}
