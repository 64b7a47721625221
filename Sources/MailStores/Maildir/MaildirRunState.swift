import Foundation

/// What a `MaildirStore` remembers during one run, behind a lock: the UID it handed out for each
/// message file (Maildir has no UIDs, so they are numbers of this run, stable while the store lives),
/// the delivery counter of unique names, and a lock that serializes read-modify-write of the small
/// shared files (`dovecot-keywords`, `subscriptions`).
final class MaildirRunState: @unchecked Sendable {
    private struct FolderUIDs {
        var byBase: [String: UInt32] = [:]
        var byUID: [UInt32: String] = [:]
        var next: UInt32 = 1
    }

    private let lock = NSLock()
    private let fileLock = NSLock()
    private var folders: [String: FolderUIDs] = [:]
    private var deliveries: UInt64 = 0

    /// UIDs for these bases (in the order given for new ones); bases seen before keep their UID.
    func uids(forSortedBases bases: [String], folderKey: String) -> [UInt32] {
        lock.withLock {
            var table = folders[folderKey] ?? FolderUIDs()
            let uids = bases.map { base in
                if let uid = table.byBase[base] { return uid }
                let uid = table.next
                table.next += 1
                table.byBase[base] = uid
                table.byUID[uid] = base
                return uid
            }
            folders[folderKey] = table
            return uids
        }
    }

    func base(ofUID uid: UInt32, folderKey: String) -> String? {
        lock.withLock { folders[folderKey]?.byUID[uid] }
    }

    func nextDeliveryCounter() -> UInt64 {
        lock.withLock {
            deliveries += 1
            return deliveries
        }
    }

    /// Runs `body` alone among this store's updates of shared small files. Synchronous on purpose:
    /// the lock is never held across a suspension point.
    func withSharedFileLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        fileLock.lock()
        defer { fileLock.unlock() }
        return try body()
    }
}
