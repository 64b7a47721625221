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
        public var syncedAt: Date

        public init(
            sourceUser: String, sourceFolder: MailboxPath, destinationFolder: MailboxPath, source: FolderState,
            destination: FolderState, syncedAt: Date
        ) {
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
