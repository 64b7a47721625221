import Foundation
import Ledger
import MailferryCore

/// What `report` shows, in every format: the job's state (`JobStateSnapshot`), where each user's log
/// is, and the totals derived from them. Logs are read one at a time while the report is written
/// (`log(of:)`), so that a report of thousands of users never holds their logs together.
struct JobReport {
    struct User {
        var row: UserReportRow
        /// Whether apply wrote a log for the user (it never reached a user without one).
        var hasLog: Bool
        /// The log's file name, safe whatever the user name (as in the state directory).
        var logFileName: String
        /// The catalogue entry explaining `row.lastError`, when it is catalogued.
        var explanation: ErrorCatalogue.Entry?
        /// The user's passwords from the users file, blanked out of its log should one ever get there.
        var passwords: [Secret]

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
    /// The state folders whose logs are joined for each user (`JobStateFolder.logFolders`).
    var logFolders: [JobStateFolder] = []

    /// The report of `loaded`'s job from its state in `stateDirectory` (every shard's, or only
    /// `shard`'s users).
    static func load(
        _ loaded: LoadedJob, stateDirectory: String, shard: ShardSelection? = nil, now: Date = Date()
    ) throws -> JobReport {
        let snapshot = try JobStateSnapshot.load(loaded, stateDirectories: [stateDirectory], shard: shard, now: now)
        let logFolders = JobStateFolder.logFolders(stateDirectory: stateDirectory)
        // The snapshot has a row per account of the selection, in its order.
        let accounts = shard.map { $0.select(loaded.job.accounts) } ?? loaded.job.accounts
        let users = zip(snapshot.rows, accounts).map { row, account in
            User(
                row: row, hasLog: JobStateFolder.hasUserLog(sourceUser: row.sourceUser, folders: logFolders),
                logFileName: UserLog.fileName(for: row.sourceUser),
                explanation: row.lastError.flatMap(ErrorCatalogue.explain),
                passwords: [account.sourcePassword, account.localPassword].compactMap { $0 })
        }
        return JobReport(
            jobName: loaded.job.name, jobFile: loaded.job.file, snapshot: snapshot, users: users,
            logFolders: logFolders)
    }

    /// The user's log as a report carries it: its end (`tail`), the user's passwords blanked out. Logs
    /// never hold a password; a log holds only its own user's run, so only that user's passwords are
    /// looked for (each log against every user's passwords took minutes for 2,000 users). Nil without a log.
    func log(of user: User) -> String? {
        guard user.hasLog,
            var log = (try? JobStateFolder.userLog(sourceUser: user.row.sourceUser, folders: logFolders)) ?? nil
        else { return nil }
        for password in user.passwords.map({ $0.revealed() }) where !password.isEmpty {
            log = log.replacingOccurrences(of: password, with: "[redacted]")
        }
        return Self.tail(of: log, job: jobFile, user: user.row.sourceUser)
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
