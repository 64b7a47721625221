import Foundation
import Ledger

/// The JSON documents of `status --format json` and `apply --format json` (docs/outputs.md): keys
/// sorted, every key present (`null` when unknown), times in UTC ISO 8601, never a secret.
enum UserReportJSON {
    struct JobReference: Encodable {
        var name: String
        var file: String
    }

    struct User: Encodable {
        var row: UserReportRow

        enum CodingKeys: String, CodingKey {
            case sourceUser = "source_user", destinationUser = "destination_user", state, run
            case foldersDone = "folders_done", foldersTotal = "folders_total"
            case messagesCopied = "messages_copied", messagesPresent = "messages_present"
            case messagesSkipped = "messages_skipped", messagesFailed = "messages_failed"
            case bytesCopied = "bytes_copied", flagsUpdated = "flags_updated"
            case messagesKeptDeleted = "messages_kept_deleted", messagesDeleted = "messages_deleted"
            case startedAt = "started_at", finishedAt = "finished_at", durationSeconds = "duration_seconds"
            case lastError = "last_error", lastCompletedAt = "last_completed_at", resumeAt = "resume_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(row.sourceUser, forKey: .sourceUser)
            try container.encode(row.destinationUser, forKey: .destinationUser)
            try container.encode(row.state.rawValue, forKey: .state)
            try container.encode(row.run, forKey: .run)
            let counts = row.counts
            try container.encode(counts.foldersDone, forKey: .foldersDone)
            try container.encode(counts.foldersTotal, forKey: .foldersTotal)
            try container.encode(counts.messagesCopied, forKey: .messagesCopied)
            try container.encode(counts.messagesPresent, forKey: .messagesPresent)
            try container.encode(counts.messagesSkipped, forKey: .messagesSkipped)
            try container.encode(counts.messagesFailed, forKey: .messagesFailed)
            try container.encode(counts.bytesCopied, forKey: .bytesCopied)
            try container.encode(counts.flagsUpdated, forKey: .flagsUpdated)
            try container.encode(counts.messagesKeptDeleted, forKey: .messagesKeptDeleted)
            try container.encode(counts.messagesDeleted, forKey: .messagesDeleted)
            try container.encode(row.startedAt.map(UserReportJSON.timestamp), forKey: .startedAt)
            try container.encode(row.finishedAt.map(UserReportJSON.timestamp), forKey: .finishedAt)
            // Milliseconds are plenty; fewer digits keep the output readable.
            try container.encode(row.durationSeconds.map { ($0 * 1000).rounded() / 1000 }, forKey: .durationSeconds)
            try container.encode(row.lastError, forKey: .lastError)
            try container.encode(row.lastCompletedAt.map(UserReportJSON.timestamp), forKey: .lastCompletedAt)
            try container.encode(row.resumeAt.map(UserReportJSON.timestamp), forKey: .resumeAt)
        }
    }

    /// Users per state (every state present, zero when none) and the totals copied.
    struct Summary: Encodable {
        var rows: [UserReportRow]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: DynamicKey.self)
            try container.encode(rows.count, forKey: DynamicKey("users"))
            for state in UserState.allCases {
                try container.encode(rows.filter { $0.state == state }.count, forKey: DynamicKey(state.rawValue))
            }
            try container.encode(
                rows.reduce(0) { $0 + $1.counts.messagesCopied }, forKey: DynamicKey("messages_copied"))
            try container.encode(
                rows.reduce(0) { $0 + $1.counts.messagesFailed }, forKey: DynamicKey("messages_failed"))
            try container.encode(
                rows.reduce(Int64(0)) { $0 + $1.counts.bytesCopied }, forKey: DynamicKey("bytes_copied"))
        }
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
