import Foundation
import GRDB
import MailferryCore

/// mailferry's state for one job, in `<directory>/state.sqlite` plus per-user logs in
/// `<directory>/logs/`: runs, per-user results, folder sync records and the journal of copies.
///
/// Every write is one SQLite transaction in WAL mode, so a process killed at any moment leaves the
/// last committed state, and `status` can read while another process applies. `synchronous=NORMAL`:
/// a power loss may drop the last few commits (never corrupt them); that is safe because the
/// destination, not this journal, decides what is already copied.
public final class Ledger: Sendable {
    public static let databaseFileName = "state.sqlite"
    public static let logsFolderName = "logs"

    /// The state directory (`<job folder>/.mailferry/<job name>` or `--state-dir`).
    public let directory: String
    let reader: any DatabaseReader
    /// Nil when opened with `openExisting` (read-only).
    let writer: (any DatabaseWriter)?
    /// This process, recorded in the runs it begins.
    let process: ProcessIdentity

    private init(directory: String, reader: any DatabaseReader, writer: (any DatabaseWriter)?) {
        self.directory = directory
        self.reader = reader
        self.writer = writer
        self.process = ProcessIdentity.current()
    }

    public var databasePath: String { Ledger.databasePath(in: directory) }
    public var isReadOnly: Bool { writer == nil }

    /// Opens or creates `<directory>/state.sqlite`, creating the directory (mode 0700) and
    /// bringing the schema up to date.
    public static func open(directory: String) throws(LedgerError) -> Ledger {
        try createDirectory(directory)
        let path = databasePath(in: directory)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration(readonly: false))
        } catch {
            throw .cannotOpen(path: path, reason: LedgerError.describe(error))
        }
        try migrate(pool, path: path)
        return Ledger(directory: directory, reader: pool, writer: pool)
    }

    /// Opens read-only for `status` and `logs`; throws `.notFound` when no state exists yet.
    /// State from an older mailferry is upgraded first (the only write this makes).
    public static func openExisting(directory: String) throws(LedgerError) -> Ledger {
        let path = databasePath(in: directory)
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound(directory: directory) }
        var pool = try openReadOnly(path: path)
        let current: Bool
        do {
            current = try pool.read { db in try LedgerSchema.migrator.hasCompletedMigrations(db) }
        } catch {
            throw .cannotOpen(path: path, reason: LedgerError.describe(error))
        }
        if !current {
            _ = try open(directory: directory)
            pool = try openReadOnly(path: path)
        }
        return Ledger(directory: directory, reader: pool, writer: nil)
    }

    /// SPEC section 4: `<job file's folder>/.mailferry/<job name>/` unless `--state-dir` was given.
    /// The name is made file-safe like log names (a job named ".." cannot leave `.mailferry`).
    public static func stateDirectory(jobFile: String, jobName: String, override: String? = nil) -> String {
        if let override, !override.isEmpty { return override }
        let folder = (jobFile as NSString).deletingLastPathComponent
        let stateRoot = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(".mailferry")
        return (stateRoot as NSString).appendingPathComponent(LogFileName.stem(for: jobName))
    }

    /// `stateDirectory(jobFile:jobName:override:)` for a validated job.
    public static func stateDirectory(for job: Job, override: String? = nil) -> String {
        stateDirectory(jobFile: job.file, jobName: job.name, override: override)
    }

    /// The per-user log; the file appears with its first line.
    public func log(sourceUser: String) -> UserLog {
        UserLog(logsDirectory: Ledger.logsDirectory(in: directory), sourceUser: sourceUser)
    }

    static func databasePath(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(databaseFileName)
    }

    static func logsDirectory(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(logsFolderName)
    }

    // MARK: - Transactions

    /// Runs `body` in one write transaction; errors roll it back. LedgerErrors thrown by `body` pass through.
    func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        guard let writer else { throw .readOnly(directory: directory) }
        do {
            return try writer.write(body)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.writeFailed(error, directory: directory)
        }
    }

    /// Runs `body` on a consistent snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try reader.read(body)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw .database(reason: LedgerError.describe(error))
        }
    }

    // MARK: - Opening

    /// Page cache per connection, instead of SQLite's 2 MiB: a copy writes a few pages at the ends of
    /// the journal's B-trees, and the file stays in the OS cache anyway; a long apply keeps 1.3 MiB less.
    static let pageCacheKiB = 512

    private static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.label = "mailferry.ledger"
        // Another mailferry process may hold the write lock for a moment (WAL lets readers through).
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        // Reads are single rows (a folder's record) or a status table: two readers are plenty, and
        // each connection costs its own cache and schema (GRDB's default is five).
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -\(pageCacheKiB)")
            if !readonly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        return configuration
    }

    private static func openReadOnly(path: String) throws(LedgerError) -> DatabasePool {
        do {
            return try DatabasePool(path: path, configuration: configuration(readonly: true))
        } catch {
            throw .cannotOpen(path: path, reason: LedgerError.describe(error))
        }
    }

    private static func migrate(_ pool: DatabasePool, path: String) throws(LedgerError) {
        do {
            if try pool.read({ db in try LedgerSchema.migrator.hasBeenSuperseded(db) }) {
                throw LedgerError.newerSchema(path: path)
            }
            try LedgerSchema.migrator.migrate(pool)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw .cannotOpen(path: path, reason: LedgerError.describe(error))
        }
    }

    /// Creates the state directory and its parents; the state directory itself is private (0700).
    private static func createDirectory(_ directory: String) throws(LedgerError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .cannotOpen(path: directory, reason: "it exists and is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        } catch {
            throw .cannotOpen(path: directory, reason: error.localizedDescription)
        }
    }
}
