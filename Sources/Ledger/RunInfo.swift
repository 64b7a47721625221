import Foundation

/// One run as recorded: what started it, when, by which process, and how it ended.
public struct RunInfo: Sendable, Hashable {
    public var id: RunID
    public var command: RunCommand
    public var startedAt: Date
    public var finishedAt: Date?
    /// Nil while in progress (or when its process vanished and no later run has closed it yet).
    public var outcome: RunOutcome?
    public var pid: Int32
    public var host: String

    public init(
        id: RunID, command: RunCommand, startedAt: Date, finishedAt: Date?, outcome: RunOutcome?, pid: Int32,
        host: String
    ) {
        self.id = id
        self.command = command
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.pid = pid
        self.host = host
    }
}
