import Engine
import Foundation
import Ledger
import MailferryCore
import Synchronization

/// Progress of `apply` on stderr, fed by the executor's events from many users' tasks at once.
///
/// On a terminal: a status block redrawn in place (overall users finished/total, messages, bytes,
/// rate, ETA; one line per active user), with finished users and retries printed above it.
/// Otherwise (a log file, CI): one line per finished user and per retry, and an overall line at
/// most every `plainInterval` while users are active.
final class ApplyProgress: MigrationObserver, Sendable {
    static let terminalInterval: Duration = .milliseconds(500)
    static let plainInterval: Duration = .seconds(5)

    private struct ActiveUser {
        var destinationUser: String
        var started: ContinuousClock.Instant
        var folder: String?
        var messagesAnnounced = 0
        var bytesAnnounced: Int64 = 0
        var messagesCopied = 0
        var bytesCopied: Int64 = 0

        mutating func copied(bytes: Int64) {
            messagesCopied += 1
            bytesCopied += bytes
        }
    }

    private struct State {
        var started: ContinuousClock.Instant
        var lastPlainLine: ContinuousClock.Instant
        var active: [String: ActiveUser] = [:]
        /// Active users in the order they started, for a stable block.
        var order: [String] = []
        var finished = 0
        var messagesCopied = 0
        var bytesCopied: Int64 = 0
        /// Lines of the status block currently on the terminal.
        var drawnLines = 0
        var stopped = false
    }

    private let totalUsers: Int
    private let terminal: Bool
    private let plainInterval: Duration
    private let sink: @Sendable (String) -> Void
    private let style: TerminalStyle
    /// The time; tests pass a clock they advance by hand.
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>

    /// - Parameter sink: where the text goes; stderr by default.
    init(
        totalUsers: Int, terminal: Bool, colors: Bool, plainInterval: Duration = ApplyProgress.plainInterval,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        sink: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.now = now
        self.totalUsers = totalUsers
        self.terminal = terminal
        self.plainInterval = plainInterval
        self.sink = sink
        self.style = TerminalStyle(enabled: colors)
        let started = now()
        state = Mutex(State(started: started, lastPlainLine: started))
    }

    /// How often `tick()` should be called.
    var interval: Duration { terminal ? Self.terminalInterval : plainInterval }

    func handle(_ event: MigrationEvent) {
        state.withLock { state in
            guard !state.stopped else { return }
            var above: [String] = []
            switch event {
            case .userStarted(let user, let destination):
                state.active[user] = ActiveUser(destinationUser: destination, started: now())
                state.order.append(user)
            case .folderStarted(let user, let folder, let messages, let bytes):
                state.active[user]?.folder = folder.description
                state.active[user]?.messagesAnnounced += messages
                state.active[user]?.bytesAnnounced += bytes
            case .messageCopied(let user, let bytes):
                state.active[user]?.copied(bytes: bytes)  // one lookup: this runs for every message
                state.messagesCopied += 1
                state.bytesCopied += bytes
            case .retrying(let user, let attempt, let delay, let reason):
                above.append(
                    "\(user): attempt \(attempt) interrupted: \(reason); retrying in \(DurationText.format(delay))")
            case .userFinished(let user, let outcome):
                let elapsed = state.active[user].map { now() - $0.started } ?? .zero
                let destination = state.active[user]?.destinationUser ?? ""
                state.active[user] = nil
                state.order.removeAll { $0 == user }
                state.finished += 1
                above.append(finishedLine(user: user, destination: destination, outcome: outcome, elapsed: elapsed))
            }
            guard !above.isEmpty else { return }
            if terminal {
                redraw(&state, above: above)
            } else {
                write(above.map { $0 + "\n" }.joined())
            }
        }
    }

    /// Called every `interval`: redraws the block, or prints the overall line when it is due.
    func tick() {
        state.withLock { state in
            guard !state.stopped else { return }
            if terminal {
                redraw(&state, above: [])
            } else if !state.active.isEmpty, now() - state.lastPlainLine >= plainInterval {
                state.lastPlainLine = now()
                write("progress: " + overallLine(state) + "\n")
            }
        }
    }

    /// Clears the block; nothing is printed afterwards.
    func stop() {
        state.withLock { state in
            if terminal { redraw(&state, above: [], block: false) }
            state.stopped = true
        }
    }

    /// `alice -> alice@new.example: done, 120 copied, 3 present, 0 failed, 4.2 MiB in 3.1 s`
    func finishedLine(user: String, destination: String, outcome: UserOutcome, elapsed: Duration) -> String {
        let counts = outcome.counts
        var line = "\(user) -> \(destination): \(outcome.state.rawValue), \(counts.messagesCopied) copied, "
        line += "\(counts.messagesPresent) present, "
        if counts.messagesSkipped > 0 { line += "\(counts.messagesSkipped) skipped, " }
        line +=
            "\(counts.messagesFailed) failed, \(ByteCountText.format(counts.bytesCopied)) in \(DurationText.format(elapsed))"
        if let error = outcome.lastError, outcome.state != .done { line += " — \(error)" }
        return style.colored(line, for: outcome.state)
    }

    private func overallLine(_ state: State) -> String {
        overallParts(state).joined(separator: ", ")
    }

    /// Users, then volume, then speed: one line each in the terminal block, one line joined otherwise.
    private func overallParts(_ state: State) -> [String] {
        let elapsed = DurationText.seconds(now() - state.started)
        let users = "\(state.finished)/\(totalUsers) users finished, \(state.active.count) active"
        let volume = "\(state.messagesCopied) messages (\(ByteCountText.format(state.bytesCopied))) copied"
        var speed = "elapsed \(DurationText.format(seconds: elapsed))"
        if elapsed > 0 { speed += ", \(ByteCountText.format(Int64(Double(state.bytesCopied) / elapsed)))/s" }
        // Users take very different times; the average finished user is the least misleading guess.
        if state.finished > 0, state.finished < totalUsers {
            let remaining = elapsed / Double(state.finished) * Double(totalUsers - state.finished)
            speed += ", ETA \(DurationText.format(seconds: remaining))"
        }
        return [users, volume, speed]
    }

    private func activeLine(_ user: String, _ active: ActiveUser) -> String {
        let elapsed = DurationText.seconds(now() - active.started)
        var line = "  \(user)" + (active.folder.map { " (\($0))" } ?? "")
        line += ": \(active.messagesCopied)/\(active.messagesAnnounced) messages, "
        line += "\(ByteCountText.format(active.bytesCopied))/\(ByteCountText.format(active.bytesAnnounced))"
        if elapsed > 0, active.bytesCopied > 0 {
            let rate = Double(active.bytesCopied) / elapsed
            line += ", \(ByteCountText.format(Int64(rate)))/s"
            let left = Double(active.bytesAnnounced - active.bytesCopied) / rate
            if left > 0 { line += ", ETA \(DurationText.format(seconds: left)) (folders so far)" }
        }
        return line
    }

    /// Moves up over the old block, clears it, prints `above` (which scrolls away) and a new block.
    private func redraw(_ state: inout State, above: [String], block: Bool = true) {
        var text = state.drawnLines > 0 ? "\u{1B}[\(state.drawnLines)A\r\u{1B}[J" : ""
        for line in above { text += line + "\n" }
        var lines: [String] = []
        if block {
            let parts = overallParts(state)
            lines.append(style.bold(truncated("apply: " + parts[0] + "; " + parts[1])))
            lines.append(truncated("       " + parts[2]))
            for user in state.order {
                if let active = state.active[user] { lines.append(truncated(activeLine(user, active))) }
            }
        }
        for line in lines { text += line + "\n" }
        state.drawnLines = lines.count
        write(text)
    }

    /// Long lines would wrap and break the cursor arithmetic of the redraw.
    private func truncated(_ line: String) -> String {
        let width = Self.terminalWidth()
        return line.count < width ? line : String(line.prefix(max(width - 2, 10))) + "…"
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    private func write(_ text: String) { sink(text) }
}
