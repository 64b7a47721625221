import Foundation

/// Errors that stores report to the engine, classified so that the engine can decide without knowing
/// which protocol is underneath: retry (transient), give up on the user, or skip one folder or message.
/// Messages follow the error catalogue in docs/errors.md.
public enum StoreError: UserFacingError, Equatable {
    /// Wrong credentials or a refused login. Never retried (retrying locks accounts).
    case loginFailed(server: String, reason: String)
    /// No OAuth2 token could be had (token endpoint refused or unreachable, command failed), or the
    /// server refused the token. Never retried; the reason says what the admin must fix.
    case oauth2(reason: String)
    /// TCP connect refused, unknown host, TLS verification failed: the user's endpoint is unusable.
    case unreachable(server: String, reason: String)
    /// Timed out or disconnected; retried with backoff, resuming where the run stood.
    case interrupted(server: String, reason: String)
    /// The server answered in a way mailferry cannot understand; retried like a disconnect (up to `options.retries`).
    case protocolViolation(server: String, reason: String)
    /// The destination refused to create a folder; that folder fails, the others go on.
    case folderRefused(folder: String, reason: String)
    /// The destination refused one message (too large, rejected content); counted as failed, the rest go on.
    case messageRefused(reason: String)
    /// A message was expunged from the source between the survey and its copy; counted as failed
    /// (the next run no longer lists it), the rest go on.
    case messageVanished(folder: String, uid: UInt32)
    /// The destination mailbox is full; the user stops as partial.
    case quotaExceeded(reason: String)
    /// A folder vanished or cannot be opened; that folder fails.
    case folderUnavailable(folder: String, reason: String)
    /// The server asks to slow down (`[THROTTLED]`, `[UNAVAILABLE]`, Exchange's "Request is
    /// throttled", BYE on too many connections, POP3 `[LOGIN-DELAY]`/`[IN-USE]`): the user pauses for
    /// `retryAfter` when the server hinted it, else an exponential backoff, and resumes. Not a failure.
    case throttled(server: String, reason: String, retryAfter: Duration?)
    /// The mailbox used up a side's `limits.bytes_per_day`: the user stops as partial and may go on
    /// at `resumeAt` (nothing lost; the next run resumes).
    case budgetExhausted(side: String, limit: Int64, provider: String, resumeAt: Date)

    public var isTransient: Bool {
        switch self {
        case .interrupted, .protocolViolation: return true
        default: return false
        }
    }

    public var userMessage: String {
        switch self {
        case .loginFailed(let server, let reason):
            return
                "login failed at \(server): \(reason) — check the user's password (or the admin login) in the users file"
        case .unreachable(_, let reason):
            return reason
        case .oauth2(let reason):
            return reason
        case .interrupted(_, let reason):
            return reason
        case .protocolViolation(let server, let reason):
            return "protocol error from \(server): \(reason)"
        case .folderRefused(let folder, let reason):
            return "folder creation refused for \"\(folder)\": \(reason)"
        case .messageRefused(let reason):
            return "message refused by the destination: \(reason)"
        case .messageVanished(let folder, let uid):
            return "message vanished from the source: uid \(uid) was expunged from \"\(folder)\" after the survey"
        case .quotaExceeded(let reason):
            return "quota exceeded on the destination: \(reason) — raise the mailbox quota and run apply again"
        case .folderUnavailable(let folder, let reason):
            return "cannot open folder \"\(folder)\": \(reason)"
        case .throttled(let server, let reason, _):
            return "throttled by \(server): \(reason)"
        case .budgetExhausted(let side, let limit, let provider, let resumeAt):
            let server = provider == MailProvider.generic.rawValue ? "the \(side)" : "\(side) (\(provider))"
            return "daily budget used up: \(limit) bytes a day for \(server); run again after "
                + StoredTimestamp.text(resumeAt)
        }
    }
}
