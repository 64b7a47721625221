import GRDB
import GRDBSQLite

/// One of the ledger's per-message statements (an intent, its commit, a baseline entry), bound and
/// stepped through SQLite's C API on GRDB's cached statement. GRDB's `execute(arguments:)` boxes
/// every value into an argument array and binds it recursively, which cost about as much again as
/// SQLite's own work on each row (`bench/RESULTS.md`, runs C1 and C2). Only for statements that
/// return no rows, run inside a `Ledger.write` transaction.
struct RowStatement {
    private let statement: Statement
    private let database: Database
    private var nextIndex: Int32 = 1

    init(_ sql: String, in database: Database) throws {
        statement = try database.cachedStatement(sql: sql)
        self.database = database
    }

    /// Binds the next parameter; SQLite copies the text.
    mutating func bind(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(
                statement.sqliteStatement, nextIndex,
                bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                Int32(bytes.count), Self.transient)
        }
        nextIndex += 1
    }

    /// Binds the next parameter, NULL for nil.
    mutating func bind(_ number: Int64?) {
        if let number {
            _ = sqlite3_bind_int64(statement.sqliteStatement, nextIndex, number)
        } else {
            _ = sqlite3_bind_null(statement.sqliteStatement, nextIndex)
        }
        nextIndex += 1
    }

    /// Runs the statement with the values bound since the last run, and makes it ready for the next.
    mutating func execute() throws {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            nextIndex = 1
        }
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            let message = database.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies a bound value before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
