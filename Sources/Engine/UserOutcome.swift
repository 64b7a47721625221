import Ledger
import MailferryCore

/// How one user's migration ended.
public struct UserOutcome: Sendable, Hashable {
    public var state: UserState
    public var counts: UserCounts
    /// The last error, as an admin should read it; never a password.
    public var lastError: String?

    public init(state: UserState, counts: UserCounts, lastError: String?) {
        self.state = state
        self.counts = counts
        self.lastError = lastError
    }
}
