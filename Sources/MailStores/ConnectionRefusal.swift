import IMAP
import MailTransport
import MailferryCore

/// Servers that cap connections often refuse or reset new ones instead of answering BYE. Such a
/// refusal, while the job already holds connections to that server, is a throttle signal: the
/// job's connection cap for the server drops to what it accepted (`ConnectionGate.failed`) and
/// the user pauses and resumes instead of failing. With no other connection open (once those
/// still connecting have settled) it stays the error it was (a wrong port, a server that is down).
enum ConnectionRefusal {
    /// The pause after a refusal. The lowered cap is what relieves the server (the user then waits
    /// for a free place); the pause only spaces the attempt. Short, because a connection cut by the
    /// network before the session is established looks the same and must not stall a user for long.
    static let pause: Duration = .seconds(1)

    /// Whether opening a store failed because the TCP connection was refused, or cut before the
    /// session was established (reset, closed before the greeting or the login's answer).
    static func isRefusal(_ error: any Error) -> Bool {
        switch error as? StoreError {
        case .unreachable(_, let reason)?:
            // TransportError.connectionRefused's message, as the stores keep it.
            return reason.hasPrefix("connection refused by ")
        case .interrupted(_, let reason)?:
            return [TransportError.disconnected.userMessage, IMAPError.sessionClosed.userMessage].contains(reason)
                || reason.hasPrefix("I/O error")
        default:
            return false
        }
    }

    /// `error` from opening a session that held `count` places at `gate` (given back here): a
    /// throttle when it is a refusal and other sessions are connected (the gate then keeps to
    /// them), else `error` itself.
    static func classify(_ error: any Error, gate: ConnectionGate, holding count: Int) async -> any Error {
        guard let cap = await gate.failed(holding: count, refused: isRefusal(error)) else { return error }
        let server: String
        switch error as? StoreError {
        case .unreachable(let name, _)?, .interrupted(let name, _)?: server = name
        default: server = "the server"
        }
        let reason = (error as? StoreError)?.userMessage ?? "connection refused"
        return StoreError.throttled(
            server: server,
            reason: "refused a connection while the job held others (\(reason)); now at most \(cap) at once",
            retryAfter: pause)
    }
}
