/// A source mailbox and the destination mailbox it is migrated into: what a sync baseline
/// belongs to (the users file may send a source user to another destination later).
public struct MailboxPair: Sendable, Hashable {
    public var sourceUser: String
    public var destinationUser: String

    public init(sourceUser: String, destinationUser: String) {
        self.sourceUser = sourceUser
        self.destinationUser = destinationUser
    }
}
