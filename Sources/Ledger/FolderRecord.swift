import Foundation
import MailferryCore

extension Ledger {
    /// What a source folder and its destination folder looked like right after their last complete
    /// sync. When both still look the same, a re-run skips the folder without fetching anything.
    public struct FolderRecord: Sendable, Hashable {
        public var sourceUser: String
        public var sourceFolder: MailboxPath
        public var destinationFolder: MailboxPath
        public var source: FolderState
        public var destination: FolderState
        /// Counts at that sync, so that a skipped folder still reports what it holds.
        public var messagesPresent: Int
        public var messagesSkipped: Int
        /// Deleted on the destination since an earlier sync and kept so.
        public var messagesKeptDeleted: Int
        public var syncedAt: Date

        public init(
            sourceUser: String, sourceFolder: MailboxPath, destinationFolder: MailboxPath, source: FolderState,
            destination: FolderState, messagesPresent: Int = 0, messagesKeptDeleted: Int = 0, messagesSkipped: Int = 0,
            syncedAt: Date
        ) {
            self.messagesKeptDeleted = messagesKeptDeleted
            self.messagesPresent = messagesPresent
            self.messagesSkipped = messagesSkipped
            self.sourceUser = sourceUser
            self.sourceFolder = sourceFolder
            self.destinationFolder = destinationFolder
            self.source = source
            self.destination = destination
            self.syncedAt = syncedAt
        }
    }
}

/// `FolderRecord` without the `Ledger.` prefix.
public typealias FolderRecord = Ledger.FolderRecord
