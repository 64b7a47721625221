import Foundation
import Ledger
import MailferryCore

/// How one user's migration ended.
public struct UserOutcome: Sendable, Hashable {
    public var state: UserState
    public var counts: UserCounts
    /// The last error, as an admin should read it; never a password.
    public var lastError: String?
    /// For a paused user: when it may go on.
    public var resumeAt: Date?

    public init(state: UserState, counts: UserCounts, lastError: String?, resumeAt: Date? = nil) {
        self.resumeAt = resumeAt
        self.state = state
        self.counts = counts
        self.lastError = lastError
    }
}
