import Ledger
import MailferryCore

/// Everything known about one source folder before acting on it: where it goes, whether the
/// destination folder exists, both folders' states and the message diff. `FolderPass.prepare`
/// makes it; `plan` shows it and `apply` carries it out, so both see the same work.
public struct FolderWork: Sendable {
    public var mapping: FolderMapping
    public var destinationExists: Bool
    /// Nil for skipped folders and for folders unchanged since their last complete sync.
    public var diff: FolderDiff?
    public var sourceState: FolderState?
    /// The destination folder's state when it was read (nil when it does not exist yet).
    public var destinationState: FolderState?
    /// The last complete sync's record when neither side changed since (the fast path): nothing
    /// was listed and nothing is to do.
    public var unchangedSince: Ledger.FolderRecord?
    /// `unchangedSince` came from the record the destination keeps (`DestinationSyncRecord`), not
    /// from the state: `apply` saves it into the state.
    public var recordedOnDestination = false
    /// The diff's deletions trip the mass-delete guard: none is made.
    public var deletionsRefused: Bool
    /// The destination folder's name before apply renames it, following a rename on the source.
    public var renamedFrom: MailboxPath?

    public init(
        mapping: FolderMapping, destinationExists: Bool, diff: FolderDiff?, sourceState: FolderState?,
        destinationState: FolderState? = nil, unchangedSince: Ledger.FolderRecord? = nil, deletionsRefused: Bool = false
    ) {
        self.deletionsRefused = deletionsRefused
        self.mapping = mapping
        self.destinationExists = destinationExists
        self.diff = diff
        self.sourceState = sourceState
        self.destinationState = destinationState
        self.unchangedSince = unchangedSince
    }

    public var action: PlanAction {
        guard mapping.destination != nil else { return .skip }
        if !destinationExists { return .create }
        guard let diff else { return .noop }
        if !diff.toDelete.isEmpty, !deletionsRefused { return .delete }
        if renamedFrom != nil { return .update }
        return diff.messagesToCopy == 0 && diff.flagUpdates.isEmpty ? .noop : .update
    }

    public var messagesPresent: Int { diff?.presentCount ?? unchangedSince?.messagesPresent ?? 0 }
    public var messagesSkipped: Int { diff?.skipped.count ?? unchangedSince?.messagesSkipped ?? 0 }
    public var messagesKeptDeleted: Int { diff?.keptDeleted.count ?? unchangedSince?.messagesKeptDeleted ?? 0 }

    /// The plan's change record for this folder.
    public var plan: FolderPlan {
        let reason: String
        switch action {
        case .skip: reason = mapping.reason
        case .create: reason = "missing on destination; \(mapping.reason)"
        case .update, .delete:
            reason =
                renamedFrom.map { "renamed on the source: \($0) is renamed on the destination; \(mapping.reason)" }
                ?? mapping.reason
        case .noop:
            reason =
                unchangedSince == nil
                ? "up to date; \(mapping.reason)" : "unchanged since the last complete sync; \(mapping.reason)"
        }
        return FolderPlan(
            source: mapping.source.path.description,
            destination: mapping.destination?.description,
            action: action,
            reason: reason,
            messagesToCopy: diff?.messagesToCopy ?? 0,
            bytesToCopy: diff?.bytesToCopy ?? 0,
            messagesPresent: messagesPresent,
            flagsToUpdate: diff?.flagUpdates.count ?? 0,
            messagesSkipped: messagesSkipped,
            messagesKeptDeleted: messagesKeptDeleted,
            messagesToDelete: diff?.toDelete.count ?? 0,
            deletionsRefused: deletionsRefused
        )
    }
}
