import Foundation

/// `status --watch`: reads the state every `interval` seconds until no user is running, then shows
/// the last state and returns. On a terminal the screen is redrawn in place; otherwise only rows
/// whose state or counts changed are printed (the first time every row), so that a log file stays short.
struct StatusWatcher {
    var interval: Double
    var terminal: Bool
    var colors: Bool
    /// Reads the state afresh.
    var load: () throws -> JobStateSnapshot
    /// The lines above the table (job, state folder, run in progress).
    var heading: (JobStateSnapshot) -> String

    func run() async throws {
        let console = Console()
        var printedRows: [String: [String]] = [:]
        var firstFrame = true
        while true {
            let snapshot = try load()
            let running = snapshot.isRunning
            if terminal {
                let top = heading(snapshot) + "\n"
                // Heading, blank, column names, blank, summary, status line, and the cursor's line.
                let fixedLines = top.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) } + 5
                let shown = Self.rowsThatFit(snapshot.rows, screenHeight: Self.terminalHeight(), fixedLines: fixedLines)
                var frame = top + UserReportTableRenderer(colors: colors).render(shown, width: Self.terminalWidth())
                if shown.count < snapshot.rows.count {
                    frame += "… \(snapshot.rows.count - shown.count) more users below (the summary counts them all)\n"
                }
                frame += "\n" + UserReportTableRenderer.summaryLine(snapshot.rows) + "\n"
                frame +=
                    running
                    ? "Watching every \(Self.intervalText(interval)); Ctrl-C to stop.\n" : "No user is running.\n"
                // As watch(1) does: the first frame clears the screen; each frame is drawn from the top
                // left, every line cleared to its end, then the rest of the screen, so that a table
                // taller than the terminal never leaves copies of itself behind.
                let start = firstFrame ? "\u{1B}[H\u{1B}[2J" : "\u{1B}[H"
                firstFrame = false
                console.write(start + frame.replacingOccurrences(of: "\n", with: "\u{1B}[K\n") + "\u{1B}[J")
            } else {
                let renderer = UserReportTableRenderer(colors: colors)
                var changed: [UserReportRow] = []
                for row in snapshot.rows {
                    // The duration of a running user changes every time: not a change worth a line.
                    var key = UserReportTableRenderer.cells(row)
                    key.remove(at: 9)
                    if printedRows[row.sourceUser] != key {
                        printedRows[row.sourceUser] = key
                        changed.append(row)
                    }
                }
                var text = ""
                if firstFrame {
                    // The first time the whole table, aligned; then a line per changed row.
                    text = heading(snapshot) + "\n" + renderer.render(snapshot.rows)
                    firstFrame = false
                } else {
                    for row in changed {
                        text += renderer.render([row]).split(separator: "\n", omittingEmptySubsequences: false)
                            .dropFirst().joined(separator: "\n")
                    }
                }
                if !running { text += UserReportTableRenderer.summaryLine(snapshot.rows) + "\n" }
                if !text.isEmpty { console.write(text) }
            }
            if !running { return }
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }

    /// The first rows, as many as the screen holds below and above the rest of the frame (one line
    /// for the "more users" note); all of them when the height is unknown.
    static func rowsThatFit(_ rows: [UserReportRow], screenHeight: Int?, fixedLines: Int) -> [UserReportRow] {
        guard let screenHeight else { return rows }
        let room = max(1, screenHeight - fixedLines)
        return rows.count <= room ? rows : Array(rows.prefix(max(1, room - 1)))
    }

    /// Lines of the terminal on stdout; nil when unknown.
    static func terminalHeight() -> Int? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    /// Columns of the terminal on stdout; nil when unknown.
    static func terminalWidth() -> Int? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    static func intervalText(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
