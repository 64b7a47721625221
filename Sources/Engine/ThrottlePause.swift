import Foundation
import Ledger
import MailferryCore

/// A user waiting out a server's request to slow down: while the pause lasts the state says
/// `paused` with the time it resumes (`status`: `paused until …`, JSON `resume_at`), then
/// `running` again.
struct ThrottlePause {
    let ledger: Ledger
    let run: RunID
    let sourceUser: String

    /// Waits `delay` with `pause`, the state showing it. A state that cannot be written does not
    /// stop the pause: the user's next progress write reports it and stops the user.
    func wait(_ delay: Duration, pause: @Sendable (Duration) async -> Void, context: UserRunContext) async {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        do {
            try ledger.userPausing(run: run, sourceUser: sourceUser, until: Date().addingTimeInterval(seconds))
        } catch {
            context.write("state not updated for the pause: \(error.userMessage)")
        }
        await pause(delay)
        do {
            try ledger.userResuming(run: run, sourceUser: sourceUser)
        } catch {
            context.write("state not updated after the pause: \(error.userMessage)")
        }
    }
}
