import Foundation
import Ledger

/// `report --format html`: one self-contained page (no network assets, no script) that prints well:
/// the job's summary, an inline SVG bar chart of the volume per user, and a colored row per user with
/// its folders, last error explained from the catalogue, and its log as a download (a data: URI).
struct HTMLReportRenderer {
    /// The background color of each state's badge and bar (the terminal's colors, print-safe).
    static func color(of state: UserState) -> String {
        switch state {
        case .done: return "#1a7f37"
        case .partial: return "#b58105"
        case .failed: return "#c62828"
        case .running: return "#0277bd"
        case .interrupted: return "#8e24aa"
        case .paused: return "#00838f"
        case .notStarted: return "#757575"
        }
    }

    /// Writes the page in pieces, a user at a time, reading each user's log only for its row.
    func render(_ report: JobReport, generatedAt: Date, to output: (String) throws -> Void) throws {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="mailferry">
            <title>mailferry report: \(escape(report.jobName))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>Migration report: \(escape(report.jobName))</h1>
            <p class="meta">Job file <code>\(escape(report.jobFile))</code> · state in <code>\(escape(report.snapshot.directory))</code> · generated \(escape(UserReportJSON.timestamp(generatedAt)))</p>

            """
        if let run = report.snapshot.inProgress {
            html +=
                "<p class=\"running-note\">Apply in progress: run \(run.id.rawValue), pid \(run.pid) on "
                + "\(escape(run.host)), started \(escape(UserReportJSON.timestamp(run.startedAt))).</p>\n"
        }
        try output(html + "</header>\n" + summary(report))
        try chart(report, to: output)
        try accounts(report, to: output)
        try output(
            "<footer>mailferry · passwords never appear in this report or in the logs it carries.</footer>\n"
                + "</body>\n</html>\n")
    }

    private func summary(_ report: JobReport) -> String {
        var html = "<section id=\"summary\">\n<h2>Summary</h2>\n<ul class=\"states\">\n"
        html += "<li><strong>\(report.users.count)</strong> \(report.users.count == 1 ? "user" : "users")</li>\n"
        for state in UserState.allCases {
            html +=
                "<li><span class=\"badge state-\(state.rawValue)\">\(state.label)</span> "
                + "<strong data-count=\"\(state.rawValue)\">\(report.count(state))</strong></li>\n"
        }
        html += "</ul>\n<table class=\"figures\">\n<tbody>\n"
        let figures: [(String, String)] = [
            ("Messages copied", String(report.messagesCopied)),
            ("Already present", String(report.messagesPresent)),
            ("Skipped by the job's filters", String(report.messagesSkipped)),
            ("Failed", String(report.messagesFailed)),
            ("Volume copied", ByteCountText.format(report.bytesCopied)),
            ("Duration", report.durationSeconds.map { DurationText.format(seconds: $0) } ?? "-"),
            (
                "Throughput",
                report.bytesPerSecond.map { bytes in
                    "\(ByteCountText.format(Int64(bytes)))/s, "
                        + String(format: "%.1f", report.messagesPerSecond ?? 0) + " messages/s"
                } ?? "-"
            ),
        ]
        for (name, value) in figures { html += "<tr><th scope=\"row\">\(name)</th><td>\(escape(value))</td></tr>\n" }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    /// Horizontal bars: bytes copied per user, scaled to the largest, colored by state.
    private func chart(_ report: JobReport, to output: (String) throws -> Void) throws {
        let barHeight = 18
        let gap = 6
        let labelWidth = 220
        let barWidth = 420
        let width = labelWidth + barWidth + 110
        let height = max(1, report.users.count) * (barHeight + gap) + gap
        let largest = max(1, report.users.lazy.map(\.row.counts.bytesCopied).max() ?? 1)
        try output(
            """
            <section id="chart">
            <h2>Volume copied per user</h2>
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
            <title id="chart-title">Bytes copied per user</title>

            """)
        for (index, user) in report.users.enumerated() {
            let y = gap + index * (barHeight + gap)
            let bytes = user.row.counts.bytesCopied
            let length = bytes == 0 ? 0 : max(2, Int(Double(barWidth) * Double(bytes) / Double(largest)))
            let name =
                user.row.sourceUser.count > 30 ? String(user.row.sourceUser.prefix(29)) + "…" : user.row.sourceUser
            var svg = "<text x=\"\(labelWidth - 8)\" y=\"\(y + 13)\" text-anchor=\"end\">\(escape(name))</text>"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(barHeight)\" "
                + "fill=\"\(Self.color(of: user.row.state))\"><title>\(escape(user.row.sourceUser)): "
                + "\(escape(ByteCountText.format(bytes)))</title></rect>"
            svg +=
                "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 13)\">\(escape(ByteCountText.format(bytes)))</text>\n"
            try output(svg)
        }
        try output("</svg>\n</section>\n")
    }

    private func accounts(_ report: JobReport, to output: (String) throws -> Void) throws {
        try output(
            """
            <section id="accounts">
            <h2>Accounts</h2>
            <table class="accounts">
            <thead><tr><th>Source user</th><th>Destination user</th><th>State</th><th>Folders copied</th><th>Folders failed</th><th>Messages copied</th><th>Present</th><th>Skipped</th><th>Failed</th><th>Volume</th><th>Duration</th><th>Log</th></tr></thead>
            <tbody>

            """)
        for user in report.users {
            let row = user.row
            let started = row.state != .notStarted
            func number(_ value: Int) -> String { started ? String(value) : "-" }
            let folders: String = started ? "\(row.counts.foldersDone)/\(row.counts.foldersTotal)" : "-"
            let failedFolders: String = user.foldersFailed.map { String($0) } ?? "-"
            let volume: String = started ? ByteCountText.format(row.counts.bytesCopied) : "-"
            let duration: String = row.durationSeconds.map { DurationText.format(seconds: $0) } ?? "-"
            let cells: [String] = [
                row.sourceUser, row.destinationUser, row.state.label, folders, failedFolders,
                number(row.counts.messagesCopied), number(row.counts.messagesPresent),
                number(row.counts.messagesSkipped), number(row.counts.messagesFailed), volume, duration,
            ]
            var html =
                "<tr class=\"user state-\(row.state.rawValue)\" data-user=\"\(escape(row.sourceUser))\" "
                + "data-state=\"\(row.state.rawValue)\">"
            for (index, cell) in cells.enumerated() {
                html +=
                    index == 2
                    ? "<td><span class=\"badge state-\(row.state.rawValue)\">\(escape(cell))</span></td>"
                    : "<td>\(escape(cell))</td>"
            }
            if let log = report.log(of: user) {
                let encoded = Data(log.utf8).base64EncodedString()
                html +=
                    "<td><a class=\"log\" download=\"\(escape(user.logFileName))\" "
                    + "href=\"data:text/plain;charset=utf-8;base64,\(encoded)\">Download log</a></td>"
            } else {
                html += "<td>-</td>"
            }
            html += "</tr>\n"
            if let error = row.lastError {
                html += "<tr class=\"error-detail state-\(row.state.rawValue)\"><td colspan=\"12\">"
                html += "<p><strong>Last error:</strong> <code>\(escape(error))</code></p>"
                if let entry = user.explanation {
                    html += "<p><strong>What it means:</strong> \(inlineMarkdown(entry.meaning))</p>"
                    html += "<p><strong>What to do:</strong> \(inlineMarkdown(entry.action))</p>"
                }
                html += "</td></tr>\n"
            }
            try output(html)
        }
        try output("</tbody>\n</table>\n</section>\n")
    }

    /// The catalogue's text with its `code` spans as <code>.
    private func inlineMarkdown(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        return parts.enumerated().map { index, part in
            index % 2 == 1 && index < parts.count - 1 ? "<code>\(escape(String(part)))</code>" : escape(String(part))
        }.joined()
    }

    func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default:
                // Control characters (other than tab and line breaks) and noncharacters are parse errors.
                for scalar in character.unicodeScalars {
                    escaped.unicodeScalars.append(Self.isAllowed(scalar) ? scalar : "\u{FFFD}")
                }
            }
        }
        return escaped
    }

    /// Whether HTML allows `scalar` in text (WHATWG "control-character-in-input-stream",
    /// "noncharacter-in-input-stream").
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 { return scalar == "\t" || scalar == "\n" || scalar == "\r" }
        if (0x7F...0x9F).contains(value) || (0xFDD0...0xFDEF).contains(value) { return false }
        return value & 0xFFFE != 0xFFFE
    }

    static let style = """

        :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        body { margin: 2rem; color: #1f2328; background: #fff; }
        h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
        h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
        .meta { color: #57606a; margin: 0; }
        .running-note { background: #e1f5fe; padding: .4rem .6rem; border-left: 4px solid #0277bd; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; overflow-wrap: anywhere; }
        ul.states { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
        .badge { display: inline-block; color: #fff; border-radius: .8rem; padding: .05rem .55rem; font-size: .85rem; white-space: nowrap; }
        .state-done .badge, .badge.state-done { background: #1a7f37; }
        .state-partial .badge, .badge.state-partial { background: #b58105; }
        .state-failed .badge, .badge.state-failed { background: #c62828; }
        .state-running .badge, .badge.state-running { background: #0277bd; }
        .state-interrupted .badge, .badge.state-interrupted { background: #8e24aa; }
        .state-not_started .badge, .badge.state-not_started { background: #757575; }
        table { border-collapse: collapse; }
        table.figures th { text-align: left; font-weight: normal; color: #57606a; padding: .15rem 1.5rem .15rem 0; }
        table.accounts { width: 100%; font-size: .9rem; }
        table.accounts th, table.accounts td { border-bottom: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
        table.accounts thead th { background: #f6f8fa; }
        tr.user.state-done { background: #e8f5e9; }
        tr.user.state-partial, tr.error-detail.state-partial { background: #fff8e1; }
        tr.user.state-failed, tr.error-detail.state-failed { background: #ffebee; }
        tr.user.state-running { background: #e1f5fe; }
        tr.user.state-interrupted, tr.error-detail.state-interrupted { background: #f3e5f5; }
        tr.user.state-not_started { background: #f5f5f5; color: #57606a; }
        tr.error-detail p { margin: .15rem 0; }
        svg text { font-size: 12px; fill: #1f2328; font-family: inherit; }
        footer { margin-top: 2rem; color: #57606a; font-size: .85rem; }
        @media print {
          body { margin: 0; font-size: 10pt; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          tr, svg { break-inside: avoid; }
          a.log { color: inherit; text-decoration: none; }
          a.log::after { content: " (in the HTML file)"; }
        }

        """
}
