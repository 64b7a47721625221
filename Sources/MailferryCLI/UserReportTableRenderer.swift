import Ledger

/// The per-user table of `status` and of apply's final report. On a terminal each row is colored by
/// state: green done, yellow partial, red failed, grey not started, cyan running, magenta interrupted.
struct UserReportTableRenderer {
    static let headings = [
        "SOURCE USER", "DESTINATION USER", "STATE", "FOLDERS", "COPIED", "PRESENT", "SKIPPED", "FAILED", "SIZE",
        "DURATION", "LAST DONE", "LAST ERROR",
    ]
    /// Columns aligned to the right (the numbers).
    private static let numeric: Set<Int> = [3, 4, 5, 6, 7, 8, 9]

    var style: TerminalStyle

    init(colors: Bool) {
        style = TerminalStyle(enabled: colors)
    }

    /// - Parameter width: a terminal's width: longer lines are cut there (with "…"), so that each
    ///   row stays one screen line.
    func render(_ rows: [UserReportRow], width: Int? = nil) -> String {
        var text = ""
        render(rows, width: width) { text += $0 }
        return text
    }

    /// The table a line at a time: the columns' widths from every row first, then each row's line,
    /// so that only one row's cells are ever held.
    func render(_ rows: [UserReportRow], width: Int? = nil, to output: (String) throws -> Void) rethrows {
        var widths = Self.headings.map(\.count)
        for row in rows {
            for (index, cell) in Self.cells(row).enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func cut(_ line: String) -> String {
            guard let width, line.count > width else { return line }
            return String(line.prefix(max(width - 1, 10))) + "…"
        }
        try output(style.bold(cut(line(Self.headings, widths: widths))) + "\n")
        for row in rows {
            try output(color(cut(line(Self.cells(row), widths: widths)), for: row.state) + "\n")
        }
    }

    /// `3 users: 1 done, 1 partial, 1 failed; 120 messages (4.2 MiB) copied.`
    static func summaryLine(_ rows: [UserReportRow]) -> String {
        var parts: [String] = []
        for state in UserState.allCases {
            let count = rows.filter { $0.state == state }.count
            if count > 0 { parts.append("\(count) \(state.label)") }
        }
        let copied = rows.reduce(0) { $0 + $1.counts.messagesCopied }
        let bytes = rows.reduce(Int64(0)) { $0 + $1.counts.bytesCopied }
        var line = "\(rows.count) \(rows.count == 1 ? "user" : "users")"
        if !parts.isEmpty { line += ": " + parts.joined(separator: ", ") }
        line += "; \(copied) \(copied == 1 ? "message" : "messages") (\(ByteCountText.format(bytes))) copied."
        return line
    }

    static func cells(_ row: UserReportRow) -> [String] {
        let started = row.state != .notStarted
        let counts = row.counts
        func number(_ value: Int) -> String { started ? String(value) : "-" }
        return [
            row.sourceUser, row.destinationUser, row.stateText,
            started ? "\(counts.foldersDone)/\(counts.foldersTotal)" : "-",
            number(counts.messagesCopied), number(counts.messagesPresent), number(counts.messagesSkipped),
            number(counts.messagesFailed), started ? ByteCountText.format(counts.bytesCopied) : "-",
            row.durationSeconds.map { DurationText.format(seconds: $0) } ?? "-",
            // The last complete pass, to the minute, UTC: "2026-12-06 17:01Z".
            row.lastCompletedAt.map(UserReportRow.minute) ?? "-",
            // One line per row: an error that spans lines is joined.
            (row.lastError ?? "").split(whereSeparator: \.isNewline).joined(separator: " "),
        ]
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
            if index == cells.count - 1 {
                parts.append(cell)
            } else {
                parts.append(Self.numeric.contains(index) ? padding + cell : cell + padding)
            }
        }
        var text = parts.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    private func color(_ text: String, for state: UserState) -> String { style.colored(text, for: state) }
}

extension TerminalStyle {
    /// A user's color everywhere: green done, yellow partial, red failed, grey not started, cyan
    /// running, magenta interrupted.
    func colored(_ text: String, for state: UserState) -> String {
        switch state {
        case .done: return green(text)
        case .partial: return yellow(text)
        case .failed: return red(text)
        case .notStarted: return grey(text)
        case .running: return cyan(text)
        case .interrupted: return magenta(text)
        case .paused: return cyan(text)
        }
    }
}
