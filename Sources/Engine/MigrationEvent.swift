import MailferryCore

/// What the executor reports while it works; the CLI turns these into progress lines.
public enum MigrationEvent: Sendable {
    case userStarted(sourceUser: String, destinationUser: String)
    case folderStarted(sourceUser: String, folder: MailboxPath, messages: Int, bytes: Int64)
    case messageCopied(sourceUser: String, bytes: Int64)
    case retrying(sourceUser: String, attempt: Int, delay: Duration, reason: String)
    case userFinished(sourceUser: String, outcome: UserOutcome)
}

/// Receives events from many users' tasks at once.
public protocol MigrationObserver: Sendable {
    func handle(_ event: MigrationEvent)
}

/// For callers that do not show progress.
public struct SilentObserver: MigrationObserver {
    public init() {}
    public func handle(_ event: MigrationEvent) {}
}
