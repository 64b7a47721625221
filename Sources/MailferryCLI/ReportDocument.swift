import Foundation
import Ledger

/// `report --format json` (schemas/report.schema.json): the status document's users with their
/// failed folders and explained last error, and the job's totals with duration and throughput.
/// Keys sorted, every key present (`null` when unknown), no secrets; logs are not included.
struct ReportDocument: UsersJSONDocument {
    static let formatVersion = 1

    var report: JobReport
    /// False for the document's head, which `write(to:)` follows with the users one at a time.
    var listsUsers = true

    static let documentName = "report"
    var userEntries: LazyMapSequence<[JobReport.User], User> { report.users.lazy.map(User.init) }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", job, stateDirectory = "state_directory"
        case runInProgress = "run_in_progress", summary, users
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .formatVersion)
        try container.encode(UserReportJSON.JobReference(name: report.jobName, file: report.jobFile), forKey: .job)
        try container.encode(report.snapshot.directory, forKey: .stateDirectory)
        try container.encode(report.snapshot.inProgress?.id.rawValue, forKey: .runInProgress)
        try container.encode(Summary(report: report), forKey: .summary)
        try container.encode(listsUsers ? report.users.map(User.init) : [], forKey: .users)
    }

    struct Summary: Encodable {
        var report: JobReport

        enum CodingKeys: String, CodingKey {
            case users, states, messagesCopied = "messages_copied", messagesPresent = "messages_present"
            case messagesSkipped = "messages_skipped", messagesFailed = "messages_failed"
            case bytesCopied = "bytes_copied", durationSeconds = "duration_seconds"
            case bytesPerSecond = "bytes_per_second", messagesPerSecond = "messages_per_second"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(report.users.count, forKey: .users)
            var states: [String: Int] = [:]
            for state in UserState.allCases { states[state.rawValue] = report.count(state) }
            try container.encode(states, forKey: .states)
            try container.encode(report.messagesCopied, forKey: .messagesCopied)
            try container.encode(report.messagesPresent, forKey: .messagesPresent)
            try container.encode(report.messagesSkipped, forKey: .messagesSkipped)
            try container.encode(report.messagesFailed, forKey: .messagesFailed)
            try container.encode(report.bytesCopied, forKey: .bytesCopied)
            try container.encode(report.durationSeconds.map(Self.rounded), forKey: .durationSeconds)
            try container.encode(report.bytesPerSecond.map(Self.rounded), forKey: .bytesPerSecond)
            try container.encode(report.messagesPerSecond.map(Self.rounded), forKey: .messagesPerSecond)
        }

        static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
    }

    /// A status user (docs/outputs.md) plus what the report adds.
    struct User: Encodable {
        var user: JobReport.User

        enum CodingKeys: String, CodingKey {
            case foldersFailed = "folders_failed", error, logFile = "log_file"
        }

        struct Explanation: Encodable {
            var name: String
            var meaning: String
            var action: String
        }

        func encode(to encoder: any Encoder) throws {
            try UserReportJSON.User(row: user.row).encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user.foldersFailed, forKey: .foldersFailed)
            try container.encode(
                user.explanation.map { Explanation(name: $0.name, meaning: $0.meaning, action: $0.action) },
                forKey: .error)
            try container.encode(user.hasLog ? "logs/" + user.logFileName : nil, forKey: .logFile)
        }
    }
}
