import Foundation
import GRDB

// Runs and per-user results: one `run` row per apply, one `user_result` row per run and user.
extension Ledger {
    /// Records the start of a run by this process. Runs whose process is gone without an outcome
    /// are closed as `.interrupted` first, together with their users still marked running.
    public func beginRun(command: RunCommand, startedAt: Date) throws(LedgerError) -> RunID {
        let process = self.process
        return try write { db in
            try Ledger.closeAbandonedRuns(db, seenFrom: process)
            try db.execute(
                sql: """
                    INSERT INTO run (command, started_at, pid, host, boot_id, process_start)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    command.rawValue, StoredDate.text(startedAt), Int64(process.pid), process.host, process.bootID,
                    process.startTicks,
                ]
            )
            return RunID(rawValue: db.lastInsertedRowID)
        }
    }

    /// Records how a run ended. Users of the run that never finished become `.interrupted`.
    public func finishRun(_ run: RunID, finishedAt: Date, outcome: RunOutcome) throws(LedgerError) {
        try write { db in
            try db.execute(
                sql: "UPDATE run SET finished_at = ?, outcome = ? WHERE id = ?",
                arguments: [StoredDate.text(finishedAt), outcome.rawValue, run.rawValue]
            )
            guard db.changesCount == 1 else { throw LedgerError.unknownRun(run) }
            try db.execute(
                sql: "UPDATE user_result SET state = ? WHERE run_id = ? AND state = ?",
                arguments: [UserState.interrupted.rawValue, run.rawValue, UserState.running.rawValue]
            )
        }
    }

    /// A run that has not finished and whose process still runs, other than this process's own runs:
    /// lets `apply` refuse to run a job twice at once.
    public func otherRunInProgress() throws(LedgerError) -> RunInfo? {
        let process = self.process
        return try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM run WHERE outcome IS NULL ORDER BY id DESC")
            for row in rows {
                let owner = try Ledger.processIdentity(row)
                if owner == process { continue }
                if owner.mayBeAlive(seenFrom: process) { return try Ledger.runInfo(row) }
            }
            return nil
        }
    }

    /// All runs, newest first.
    public func runs() throws(LedgerError) -> [RunInfo] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id DESC").map { row in try Ledger.runInfo(row) }
        }
    }

    /// Starts (or, within the same run, restarts) a user: state running, counts zero.
    public func userStarted(run: RunID, sourceUser: String, destinationUser: String, at: Date) throws(LedgerError) {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM run WHERE id = ?", arguments: [run.rawValue]) != nil else {
                throw LedgerError.unknownRun(run)
            }
            try db.execute(
                sql: """
                    INSERT INTO user_result (run_id, source_user, destination_user, state, started_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (run_id, source_user) DO UPDATE SET
                        destination_user = excluded.destination_user, state = excluded.state,
                        started_at = excluded.started_at, finished_at = NULL, last_error = NULL, resume_at = NULL,
                        folders_done = 0, folders_total = 0, messages_copied = 0, messages_present = 0,
                        messages_skipped = 0, messages_failed = 0, bytes_copied = 0, flags_updated = 0,
                        messages_kept_deleted = 0, messages_deleted = 0
                    """,
                arguments: [
                    run.rawValue, sourceUser, destinationUser, UserState.running.rawValue, StoredDate.text(at),
                ]
            )
        }
    }

    /// Updates a running user's counts: one small UPDATE, cheap enough for every second.
    public func userProgress(run: RunID, sourceUser: String, counts: UserCounts) throws(LedgerError) {
        try write { db in
            try Ledger.updateUser(
                db, run: run, sourceUser: sourceUser, counts: counts, extraSQL: "", extraArguments: [])
        }
    }

    public func userFinished(
        run: RunID, sourceUser: String, state: UserState, counts: UserCounts, at: Date, lastError: String?,
        resumeAt: Date? = nil
    ) throws(LedgerError) {
        try write { db in
            try Ledger.updateUser(
                db, run: run, sourceUser: sourceUser, counts: counts,
                extraSQL: ", state = ?, finished_at = ?, last_error = ?, resume_at = ?",
                extraArguments: [state.rawValue, StoredDate.text(at), lastError, resumeAt.map(StoredDate.text)]
            )
        }
    }

    /// When each user last finished an apply `done` (every folder synced): the time of its last
    /// complete pass, which a later partial or running pass does not move.
    public func lastCompletedSyncs() throws(LedgerError) -> [String: Date] {
        try read { db in
            var result: [String: Date] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT u.source_user, MAX(u.finished_at) AS finished_at FROM user_result u
                    JOIN run r ON r.id = u.run_id
                    WHERE r.command = ? AND u.state = ? AND u.finished_at IS NOT NULL GROUP BY u.source_user
                    """,
                arguments: [RunCommand.apply.rawValue, UserState.done.rawValue])
            {
                result[try row.decode(forColumn: "source_user")] = try Ledger.decodeDate(row, "finished_at")
            }
            return result
        }
    }

    /// The latest result per user, sorted by source user: what `status` shows, including a run in
    /// progress in another process. A user still marked running in a run whose process is gone
    /// (killed, crashed, rebooted) reads as `.interrupted`.
    ///
    /// - Parameter commands: the runs to consider; by default `apply` only, so that a dry run, which
    ///   changes nothing, does not hide what the last real run did.
    public func latestUserResults(commands: Set<RunCommand> = [.apply]) throws(LedgerError) -> [UserResult] {
        let observer = process
        let commandList = commands.map(\.rawValue).sorted()
        guard !commandList.isEmpty else { return [] }
        let placeholders = databaseQuestionMarks(count: commandList.count)
        return try read { db in
            // A cursor, not `fetchAll`: each row is decoded and let go, so a job of 10,000 users holds
            // its results, not GRDB's copies of every row as well (bench/RESULTS.md, P2).
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT * FROM (
                        SELECT u.*, r.outcome AS run_outcome, r.pid, r.host, r.boot_id, r.process_start,
                            ROW_NUMBER() OVER (PARTITION BY u.source_user ORDER BY u.run_id DESC) AS rank
                        FROM user_result u JOIN run r ON r.id = u.run_id
                        WHERE r.command IN (\(placeholders))
                    ) WHERE rank = 1
                    """,
                arguments: StatementArguments(commandList)
            )
            var liveness: [Int64: Bool] = [:]
            var results: [UserResult] = []
            while let row = try rows.next() {
                let runID: Int64 = try row.decode(forColumn: "run_id")
                var state = try Ledger.decodeEnum(UserState.self, row, "state")
                if state == .running {
                    let runOutcome: String? = try row.decode(forColumn: "run_outcome")
                    let alive: Bool
                    if let known = liveness[runID] {
                        alive = known
                    } else {
                        alive = try runOutcome == nil && Ledger.processIdentity(row).mayBeAlive(seenFrom: observer)
                        liveness[runID] = alive
                    }
                    // A live user with a resume time waits out a throttle (`userPausing`).
                    if !alive {
                        state = .interrupted
                    } else if try Ledger.decodeOptionalDate(row, "resume_at") != nil {
                        state = .paused
                    }
                }
                results.append(
                    UserResult(
                        runID: RunID(rawValue: runID),
                        sourceUser: try row.decode(forColumn: "source_user"),
                        destinationUser: try row.decode(forColumn: "destination_user"),
                        state: state,
                        counts: try Ledger.decodeCounts(row),
                        startedAt: try Ledger.decodeDate(row, "started_at"),
                        finishedAt: try Ledger.decodeOptionalDate(row, "finished_at"),
                        lastError: try row.decode(forColumn: "last_error"),
                        resumeAt: try Ledger.decodeOptionalDate(row, "resume_at")
                    )
                )
            }
            results.sort { $0.sourceUser < $1.sourceUser }
            return results
        }
    }

    // MARK: - Helpers

    private static func updateUser(
        _ db: Database, run: RunID, sourceUser: String, counts: UserCounts, extraSQL: String,
        extraArguments: StatementArguments
    ) throws {
        let countArguments: StatementArguments = [
            counts.foldersDone, counts.foldersTotal, counts.messagesCopied, counts.messagesPresent,
            counts.messagesSkipped, counts.messagesFailed, counts.bytesCopied, counts.flagsUpdated,
            counts.messagesKeptDeleted, counts.messagesDeleted,
        ]
        try db.execute(
            sql: """
                UPDATE user_result SET folders_done = ?, folders_total = ?, messages_copied = ?,
                    messages_present = ?, messages_skipped = ?, messages_failed = ?, bytes_copied = ?,
                    flags_updated = ?, messages_kept_deleted = ?, messages_deleted = ?\(extraSQL)
                WHERE run_id = ? AND source_user = ?
                """,
            arguments: countArguments + extraArguments + [run.rawValue, sourceUser]
        )
        guard db.changesCount == 1 else { throw LedgerError.userNotStarted(run: run, sourceUser: sourceUser) }
    }

    private static func closeAbandonedRuns(_ db: Database, seenFrom observer: ProcessIdentity) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM run WHERE outcome IS NULL")
        for row in rows where try !processIdentity(row).mayBeAlive(seenFrom: observer) {
            let id: Int64 = try row.decode(forColumn: "id")
            try db.execute(
                sql: "UPDATE run SET outcome = ? WHERE id = ?", arguments: [RunOutcome.interrupted.rawValue, id]
            )
            try db.execute(
                sql: "UPDATE user_result SET state = ? WHERE run_id = ? AND state = ?",
                arguments: [UserState.interrupted.rawValue, id, UserState.running.rawValue]
            )
        }
    }

    static func processIdentity(_ row: Row) throws -> ProcessIdentity {
        let pid: Int64 = try row.decode(forColumn: "pid")
        return ProcessIdentity(
            pid: Int32(truncatingIfNeeded: pid), host: try row.decode(forColumn: "host"),
            bootID: try row.decode(forColumn: "boot_id"), startTicks: try row.decode(forColumn: "process_start")
        )
    }

    static func runInfo(_ row: Row) throws -> RunInfo {
        let outcome: String? = try row.decode(forColumn: "outcome")
        let pid: Int64 = try row.decode(forColumn: "pid")
        return RunInfo(
            id: RunID(rawValue: try row.decode(forColumn: "id")),
            command: try decodeEnum(RunCommand.self, row, "command"),
            startedAt: try decodeDate(row, "started_at"),
            finishedAt: try decodeOptionalDate(row, "finished_at"),
            outcome: try outcome.map { text throws(LedgerError) in try decodeEnum(RunOutcome.self, text, "outcome") },
            pid: Int32(truncatingIfNeeded: pid),
            host: try row.decode(forColumn: "host")
        )
    }

    static func decodeCounts(_ row: Row) throws -> UserCounts {
        UserCounts(
            foldersDone: try row.decode(forColumn: "folders_done"),
            foldersTotal: try row.decode(forColumn: "folders_total"),
            messagesCopied: try row.decode(forColumn: "messages_copied"),
            messagesPresent: try row.decode(forColumn: "messages_present"),
            messagesSkipped: try row.decode(forColumn: "messages_skipped"),
            messagesFailed: try row.decode(forColumn: "messages_failed"),
            bytesCopied: try row.decode(forColumn: "bytes_copied"),
            flagsUpdated: try row.decode(forColumn: "flags_updated"),
            messagesKeptDeleted: try row.decode(forColumn: "messages_kept_deleted"),
            messagesDeleted: try row.decode(forColumn: "messages_deleted")
        )
    }

    static func decodeDate(_ row: Row, _ column: String) throws -> Date {
        let text: String = try row.decode(forColumn: column)
        guard let date = StoredDate.date(text) else {
            throw LedgerError.database(reason: "a stored time in \(column) is malformed: \(text)")
        }
        return date
    }

    static func decodeOptionalDate(_ row: Row, _ column: String) throws -> Date? {
        guard let _: String = try row.decode(forColumn: column) else { return nil }
        return try decodeDate(row, column)
    }

    static func decodeEnum<Value: RawRepresentable>(_ type: Value.Type, _ row: Row, _ column: String) throws -> Value
    where Value.RawValue == String {
        try decodeEnum(type, try row.decode(String.self, forColumn: column), column)
    }

    static func decodeEnum<Value: RawRepresentable>(_ type: Value.Type, _ text: String, _ column: String)
        throws(LedgerError) -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: text) else {
            throw .database(
                reason: "unknown value \"\(text)\" in \(column); was the state written by a newer mailferry?")
        }
        return value
    }
}
