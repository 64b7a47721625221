import Foundation

/// `status --watch`: reads the state every `interval` seconds until no user is running, then shows
/// the last state and returns. On a terminal the table is redrawn in place; otherwise only rows
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
        var drawnLines = 0
        var printedRows: [String: [String]] = [:]
        var firstFrame = true
        while true {
            let snapshot = try load()
            let running = snapshot.isRunning
            if terminal {
                var frame = heading(snapshot) + "\n" + UserReportTableRenderer(colors: colors).render(snapshot.rows)
                frame += "\n" + UserReportTableRenderer.summaryLine(snapshot.rows) + "\n"
                frame += running ? "Watching every \(Self.intervalText(interval)); Ctrl-C to stop.\n" : "No user is running.\n"
                // Back to the first line of the previous frame, clear to the end of the screen, draw.
                let back = drawnLines > 0 ? "\u{1B}[\(drawnLines)A\r\u{1B}[J" : ""
                console.write(back + frame)
                drawnLines = frame.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
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

    static func intervalText(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
