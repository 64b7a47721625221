import MailferryCore

/// Everything known about one source folder before acting on it: where it goes, whether the
/// destination folder exists, and the message diff. Plan and apply are both made from these.
public struct FolderWork: Sendable {
    public var mapping: FolderMapping
    public var destinationExists: Bool
    /// Nil for skipped folders.
    public var diff: FolderDiff?
    public var sourceState: FolderState?

    public init(mapping: FolderMapping, destinationExists: Bool, diff: FolderDiff?, sourceState: FolderState?) {
        self.mapping = mapping
        self.destinationExists = destinationExists
        self.diff = diff
        self.sourceState = sourceState
    }

    public var action: PlanAction {
        guard let diff, mapping.destination != nil else { return .skip }
        if !destinationExists { return .create }
        return diff.toCopy.isEmpty && diff.flagUpdates.isEmpty ? .noop : .update
    }

    /// The plan's change record for this folder.
    public var plan: FolderPlan {
        let reason: String
        switch action {
        case .skip: reason = mapping.reason
        case .create: reason = "missing on destination; \(mapping.reason)"
        case .update: reason = mapping.reason
        case .noop: reason = "up to date; \(mapping.reason)"
        }
        return FolderPlan(
            source: mapping.source.path.description,
            destination: mapping.destination?.description,
            action: action,
            reason: reason,
            messagesToCopy: diff?.toCopy.count ?? 0,
            bytesToCopy: diff?.bytesToCopy ?? 0,
            messagesPresent: diff?.present.count ?? 0,
            flagsToUpdate: diff?.flagUpdates.count ?? 0,
            messagesSkipped: diff?.skipped.count ?? 0
        )
    }
}
