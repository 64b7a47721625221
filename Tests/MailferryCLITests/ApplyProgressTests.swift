import Engine
import Foundation
import Ledger
import MailferryCore
import Synchronization
import Testing

@testable import MailferryCLI

/// Progress lines, captured through the sink instead of stderr.
@Suite struct ApplyProgressTests {
    final class Capture: Sendable {
        private let text = Mutex("")
        func append(_ more: String) { text.withLock { $0 += more } }
        var value: String { text.withLock { $0 } }
    }

    private func outcome(_ state: UserState, copied: Int, error: String? = nil) -> UserOutcome {
        UserOutcome(
            state: state,
            counts: UserCounts(messagesCopied: copied, messagesPresent: 3, bytesCopied: Int64(copied) * 36_700),
            lastError: error)
    }

    @Test func plainOutputHasALinePerFinishedUserAndRetry() {
        let capture = Capture()
        let progress = ApplyProgress(totalUsers: 2, terminal: false, colors: false, sink: capture.append)
        progress.handle(.userStarted(sourceUser: "alice", destinationUser: "alice@new.example"))
        progress.handle(
            .folderStarted(sourceUser: "alice", folder: MailboxPath("INBOX"), messages: 120, bytes: 4_404_000))
        for _ in 0..<120 { progress.handle(.messageCopied(sourceUser: "alice", bytes: 36_700)) }
        progress.handle(.retrying(sourceUser: "alice", attempt: 1, delay: .seconds(2), reason: "connection reset"))
        progress.handle(.userFinished(sourceUser: "alice", outcome: outcome(.done, copied: 120)))
        progress.handle(.userStarted(sourceUser: "bob", destinationUser: "bob@new.example"))
        progress.handle(.userFinished(sourceUser: "bob", outcome: outcome(.failed, copied: 0, error: "login failed")))
        progress.stop()
        let lines = capture.value.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "alice: attempt 1 interrupted: connection reset; retrying in 2.0 s")
        #expect(lines[1].hasPrefix("alice -> alice@new.example: done, 120 copied, 3 present, 0 failed, 4.2 MiB in "))
        #expect(lines[1].hasSuffix(" s"))
        #expect(lines[2].hasPrefix("bob -> bob@new.example: failed, 0 copied, 3 present, 0 failed, 0 bytes in "))
        #expect(lines[2].hasSuffix(" — login failed"))
        #expect(!capture.value.contains("\u{1B}["))
    }

    /// A clock the test advances by hand: "due" depends on the interval, never on machine speed.
    final class ManualTime: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(by duration: Duration) { instant.withLock { $0 += duration } }
    }

    @Test func plainOverallLineOnlyWhenDueAndUsersAreActive() {
        let capture = Capture()
        let time = ManualTime()
        let progress = ApplyProgress(
            totalUsers: 3, terminal: false, colors: false, plainInterval: .seconds(5), now: { time.now },
            sink: capture.append)
        time.advance(by: .seconds(6))
        progress.tick()
        #expect(capture.value.isEmpty, "nothing active, nothing to say")
        progress.handle(.userStarted(sourceUser: "alice", destinationUser: "alice@new.example"))
        progress.handle(.messageCopied(sourceUser: "alice", bytes: 2048))
        time.advance(by: .seconds(1))
        progress.tick()
        #expect(
            capture.value
                == "progress: 0/3 users finished, 1 active, 1 messages (2.0 KiB) copied, elapsed 7.0 s, 292 bytes/s\n")
        time.advance(by: .milliseconds(4999))
        progress.tick()
        #expect(capture.value.split(separator: "\n").count == 1, "at most one line per interval")
        time.advance(by: .milliseconds(1))
        progress.tick()
        #expect(capture.value.split(separator: "\n").count == 2, "the next line once the interval passed")
        #expect(capture.value.hasSuffix("elapsed 12.0 s, 170 bytes/s\n"))
    }

    @Test func terminalBlockIsRedrawnInPlace() {
        let capture = Capture()
        let progress = ApplyProgress(totalUsers: 2, terminal: true, colors: false, sink: capture.append)
        progress.handle(.userStarted(sourceUser: "alice", destinationUser: "alice@new.example"))
        progress.handle(.folderStarted(sourceUser: "alice", folder: MailboxPath("Sent"), messages: 4, bytes: 8192))
        progress.handle(.messageCopied(sourceUser: "alice", bytes: 2048))
        progress.tick()
        #expect(capture.value.contains("apply: 0/2 users finished, 1 active; 1 messages (2.0 KiB) copied\n"))
        #expect(capture.value.contains("  alice (Sent): 1/4 messages, 2.0 KiB/8.0 KiB"))
        progress.tick()
        #expect(capture.value.contains("\u{1B}[3A\r\u{1B}[J"), "moves up over the 3 lines of the block and clears")
        progress.handle(.userFinished(sourceUser: "alice", outcome: outcome(.done, copied: 1)))
        #expect(capture.value.contains("\u{1B}[J" + "alice -> alice@new.example: done"))
        progress.stop()
        #expect(capture.value.hasSuffix("\u{1B}[2A\r\u{1B}[J"), "stop leaves no block behind")
    }
}
