import Foundation
import MailferryCore

/// Identifies one journal row (one intended copy).
public struct JournalEntryID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { "journal entry \(rawValue)" }

    public static func < (lhs: JournalEntryID, rhs: JournalEntryID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An intent to copy one message, recorded before its APPEND.
public struct JournalEntry: Sendable, Hashable {
    public var id: JournalEntryID
    public var sourceUser: String
    public var sourceFolder: MailboxPath
    public var sourceKey: String
    public var identity: MessageIdentity
    public var destinationFolder: MailboxPath
    public var recordedAt: Date

    public init(
        id: JournalEntryID, sourceUser: String, sourceFolder: MailboxPath, sourceKey: String,
        identity: MessageIdentity, destinationFolder: MailboxPath, recordedAt: Date
    ) {
        self.id = id
        self.sourceUser = sourceUser
        self.sourceFolder = sourceFolder
        self.sourceKey = sourceKey
        self.identity = identity
        self.destinationFolder = destinationFolder
        self.recordedAt = recordedAt
    }
}
