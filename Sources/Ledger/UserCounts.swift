extension Ledger {
    /// One user's progress and totals, as `status` shows them.
    public struct UserCounts: Sendable, Hashable, Codable {
        public var foldersDone: Int
        public var foldersTotal: Int
        public var messagesCopied: Int
        public var messagesPresent: Int
        public var messagesSkipped: Int
        public var messagesFailed: Int
        public var bytesCopied: Int64
        public var flagsUpdated: Int
        /// Deleted on the destination since the last sync and not copied again.
        public var messagesKeptDeleted: Int
        /// Removed from the destination because they left the source (`deletions: mirror`).
        public var messagesDeleted: Int

        public init(
            foldersDone: Int = 0, foldersTotal: Int = 0, messagesCopied: Int = 0, messagesPresent: Int = 0,
            messagesSkipped: Int = 0, messagesFailed: Int = 0, bytesCopied: Int64 = 0, flagsUpdated: Int = 0,
            messagesKeptDeleted: Int = 0, messagesDeleted: Int = 0
        ) {
            self.messagesKeptDeleted = messagesKeptDeleted
            self.messagesDeleted = messagesDeleted
            self.foldersDone = foldersDone
            self.foldersTotal = foldersTotal
            self.messagesCopied = messagesCopied
            self.messagesPresent = messagesPresent
            self.messagesSkipped = messagesSkipped
            self.messagesFailed = messagesFailed
            self.bytesCopied = bytesCopied
            self.flagsUpdated = flagsUpdated
        }

        public static let zero = UserCounts()
    }
}

/// `UserCounts` without the `Ledger.` prefix.
public typealias UserCounts = Ledger.UserCounts
