/// `options.deletions`: what a re-run does with a message it copied earlier that is gone from the source.
public enum DeletionPolicy: String, Sendable, Hashable, CaseIterable {
    /// Left on the destination (the default: a migration adds, it does not take away).
    case keep
    /// Removed from the destination too, within the mass-delete guard. Only messages mailferry
    /// copied or paired; never the user's own.
    case mirror
}
