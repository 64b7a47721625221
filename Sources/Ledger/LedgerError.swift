import Foundation
import GRDB
import MailferryCore

/// Why the state directory could not be read or written, phrased for the admin who runs mailferry.
public enum LedgerError: UserFacingError, Equatable {
    /// No state yet: `apply` has never run for this job (or `--state-dir` points elsewhere).
    case notFound(directory: String)
    case cannotOpen(path: String, reason: String)
    case database(reason: String)
    /// A write failed because the disk is full, the folder or file is read-only, or the file
    /// system fails: the user stops (what it copied is on the destination, which decides).
    case notWritable(directory: String, reason: String)
    /// A write on a ledger opened with `openExisting` (status and logs never change state).
    case readOnly(directory: String)
    /// The state was written by a newer mailferry that knows schema changes this one does not.
    case newerSchema(path: String)
    case unknownRun(RunID)
    case userNotStarted(run: RunID, sourceUser: String)
    case unknownJournalEntry(JournalEntryID)
    /// The user has no log yet: no run has reached this user.
    case noLog(sourceUser: String, path: String)
    case cannotReadLog(path: String, reason: String)

    public var userMessage: String {
        switch self {
        case .notFound(let directory):
            return
                "no mailferry state in \(directory); run `mailferry apply` first, or pass the --state-dir that apply used"
        case .cannotOpen(let path, let reason):
            return
                "cannot open the state at \(path): \(reason); check that the folder is writable by this user and the disk is not full"
        case .database(let reason):
            return
                "the state database failed: \(reason); check free disk space and permissions of the state folder, then run again"
        case .notWritable(let directory, let reason):
            return "state directory not writable: \(directory) (\(reason)); nothing was lost, the destination is the "
                + "truth: free space or fix permissions there, then run apply again"
        case .readOnly(let directory):
            return "the state in \(directory) was opened read-only and cannot be changed"
        case .newerSchema(let path):
            return "the state at \(path) was written by a newer mailferry; use that version (or a separate --state-dir)"
        case .unknownRun(let run):
            return "internal error: run \(run.rawValue) is not in the state database"
        case .userNotStarted(let run, let sourceUser):
            return "internal error: user \(sourceUser) was not started in run \(run.rawValue)"
        case .unknownJournalEntry(let entry):
            return "internal error: journal entry \(entry.rawValue) is not in the state database"
        case .noLog(let sourceUser, let path):
            return "no log for \(sourceUser) yet (expected \(path)); apply has not reached this user"
        case .cannotReadLog(let path, let reason):
            return "cannot read the log \(path): \(reason)"
        }
    }

    /// A failed write: `.notWritable` when SQLite says the disk is full, the database is read-only or
    /// the file system failed (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN), else `.database`.
    static func writeFailed(_ error: any Error, directory: String) -> LedgerError {
        if let error = error as? DatabaseError,
            [.SQLITE_FULL, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_CANTOPEN].contains(error.resultCode)
        {
            return .notWritable(directory: directory, reason: describe(error))
        }
        return .database(reason: describe(error))
    }

    /// A short reason without SQL or bound values (GRDB hides arguments by default; we add no statement text).
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.message ?? "SQLite error") (SQLite code \(error.extendedResultCode.rawValue))"
        }
        return error.localizedDescription
    }
}
