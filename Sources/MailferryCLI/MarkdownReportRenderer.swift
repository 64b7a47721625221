import Foundation
import Ledger

/// `report --format markdown`: the summary and a row per user for a ticket or pull request, then the
/// users with errors, explained from the catalogue. Logs are not embedded (`logs --all --out DIR`).
struct MarkdownReportRenderer {
    /// Writes the report in pieces, a user at a time.
    func render(_ report: JobReport, generatedAt: Date, to output: (String) throws -> Void) throws {
        var text = "# Migration report: \(cell(report.jobName))\n\n"
        text += "Job file `\(report.jobFile)`, generated \(UserReportJSON.timestamp(generatedAt)).\n\n"
        if let run = report.snapshot.inProgress {
            text += "**Apply in progress:** run \(run.id.rawValue), pid \(run.pid) on \(cell(run.host)).\n\n"
        }
        text += "## Summary\n\n"
        let states = UserState.allCases.filter { report.count($0) > 0 }.map { "\(report.count($0)) \($0.label)" }
        text +=
            "- **Users:** \(report.users.count)\(states.isEmpty ? "" : " (" + states.joined(separator: ", ") + ")")\n"
        text +=
            "- **Messages:** \(report.messagesCopied) copied, \(report.messagesPresent) already present, "
            + "\(report.messagesSkipped) skipped, \(report.messagesFailed) failed\n"
        text += "- **Volume copied:** \(ByteCountText.format(report.bytesCopied))\n"
        text += "- **Duration:** \(report.durationSeconds.map { DurationText.format(seconds: $0) } ?? "-")\n"
        if let bytes = report.bytesPerSecond {
            text +=
                "- **Throughput:** \(ByteCountText.format(Int64(bytes)))/s, "
                + String(format: "%.1f", report.messagesPerSecond ?? 0) + " messages/s\n"
        }
        text += "\n## Accounts\n\n"
        text +=
            "| Source user | Destination user | State | Folders copied | Folders failed | Copied | Failed | Volume | Duration |\n"
        text += "|---|---|---|---:|---:|---:|---:|---:|---:|\n"
        try output(text)
        for user in report.users {
            let row = user.row
            let started = row.state != .notStarted
            let folders: String = started ? "\(row.counts.foldersDone)/\(row.counts.foldersTotal)" : "-"
            let failedFolders: String = user.foldersFailed.map { String($0) } ?? "-"
            let copied: String = started ? String(row.counts.messagesCopied) : "-"
            let failed: String = started ? String(row.counts.messagesFailed) : "-"
            let volume: String = started ? ByteCountText.format(row.counts.bytesCopied) : "-"
            let duration: String = row.durationSeconds.map { DurationText.format(seconds: $0) } ?? "-"
            let cells: [String] = [
                cell(row.sourceUser), cell(row.destinationUser), "**\(row.state.label)**", folders, failedFolders,
                copied, failed, volume, duration,
            ]
            try output("| " + cells.joined(separator: " | ") + " |\n")
        }
        // The heading goes out with the first user that has an error, if any does.
        var heading = "\n## Errors\n\n"
        for user in report.users where user.row.lastError != nil {
            var text = heading + "### \(cell(user.row.sourceUser)) (\(user.row.state.label))\n\n"
            heading = ""
            text += "Last error: `\((user.row.lastError ?? "").replacingOccurrences(of: "`", with: "'"))`\n\n"
            if let entry = user.explanation {
                text += "- **What it means:** \(entry.meaning)\n- **What to do:** \(entry.action)\n\n"
            }
            text += "Full log: `mailferry logs \(report.jobFile) \(user.row.sourceUser)`\n\n"
            try output(text)
        }
    }

    /// Text safe inside a table cell: no pipe or line break ends it early.
    private func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
