import Foundation
import Ledger
import MailferryCore

/// What `report` shows, in every format: the job's state (`JobStateSnapshot`), each user's log, and
/// the totals derived from them.
struct JobReport {
    struct User {
        var row: UserReportRow
        /// The user's log as written by apply, nil when apply never reached the user.
        var log: String?
        /// The log's file name, safe whatever the user name (as in the state directory).
        var logFileName: String
        /// The catalogue entry explaining `row.lastError`, when it is catalogued.
        var explanation: ErrorCatalogue.Entry?

        /// Folders that did not complete in the user's finished run; nil while running or not started.
        var foldersFailed: Int? {
            switch row.state {
            case .done, .partial, .failed, .interrupted, .paused:
                return max(0, row.counts.foldersTotal - row.counts.foldersDone)
            case .running, .notStarted: return nil
            }
        }
    }

    var jobName: String
    var jobFile: String
    var snapshot: JobStateSnapshot
    var users: [User]

    /// The report of `loaded`'s job from its state in `stateDirectory` (every shard's, or only
    /// `shard`'s users). Logs never hold a password; the users file's passwords are still blanked
    /// out of them, should one ever get there.
    static func load(
        _ loaded: LoadedJob, stateDirectory: String, shard: ShardSelection? = nil, now: Date = Date()
    ) throws -> JobReport {
        let snapshot = try JobStateSnapshot.load(loaded, stateDirectories: [stateDirectory], shard: shard, now: now)
        let secrets = loaded.job.accounts.flatMap { [$0.sourcePassword, $0.localPassword] }.compactMap { $0 }
            .map { $0.revealed() }.filter { !$0.isEmpty }
        let users = snapshot.rows.map { row in
            var log = (try? JobStateFolder.userLog(sourceUser: row.sourceUser, stateDirectory: stateDirectory)) ?? nil
            for secret in secrets { log = log?.replacingOccurrences(of: secret, with: "[redacted]") }
            log = log.map { Self.tail(of: $0, job: loaded.job.file, user: row.sourceUser) }
            return User(
                row: row, log: log, logFileName: UserLog.fileName(for: row.sourceUser),
                explanation: row.lastError.flatMap(ErrorCatalogue.explain))
        }
        return JobReport(jobName: loaded.job.name, jobFile: loaded.job.file, snapshot: snapshot, users: users)
    }

    /// A report carries at most this much of each log (the end, where the last run is).
    static let logLimit = 1 << 20

    /// The log, or its last `logLimit` bytes from a line start with a first line saying where the rest is.
    static func tail(of log: String, job: String, user: String) -> String {
        let bytes = log.utf8
        guard bytes.count > logLimit else { return log }
        var start = bytes.index(bytes.endIndex, offsetBy: -logLimit)
        if let lineStart = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) { start = bytes.index(after: lineStart) }
        let leftOut = bytes.distance(from: bytes.startIndex, to: start)
        return "[the first \(leftOut) bytes are left out; `mailferry logs \(job) \(user)` prints the whole log]\n"
            + String(decoding: bytes[start...], as: UTF8.self)
    }

    var rows: [UserReportRow] { users.map(\.row) }

    func count(_ state: UserState) -> Int { rows.filter { $0.state == state }.count }

    var messagesCopied: Int { rows.reduce(0) { $0 + $1.counts.messagesCopied } }
    var messagesPresent: Int { rows.reduce(0) { $0 + $1.counts.messagesPresent } }
    var messagesSkipped: Int { rows.reduce(0) { $0 + $1.counts.messagesSkipped } }
    var messagesFailed: Int { rows.reduce(0) { $0 + $1.counts.messagesFailed } }
    var bytesCopied: Int64 { rows.reduce(0) { $0 + $1.counts.bytesCopied } }

    /// From the first user's start to the last user's end (or now, for a running user); nil when
    /// no user started.
    var durationSeconds: Double? {
        let started = rows.compactMap(\.startedAt)
        guard let first = started.min() else { return nil }
        let ends = rows.compactMap { row in
            row.finishedAt
                ?? row.startedAt.flatMap { start in row.durationSeconds.map { start.addingTimeInterval($0) } }
        }
        guard let last = ends.max() else { return nil }
        return max(0, last.timeIntervalSince(first))
    }

    var bytesPerSecond: Double? {
        guard let duration = durationSeconds, duration > 0 else { return nil }
        return Double(bytesCopied) / duration
    }

    var messagesPerSecond: Double? {
        guard let duration = durationSeconds, duration > 0 else { return nil }
        return Double(messagesCopied) / duration
    }
}
