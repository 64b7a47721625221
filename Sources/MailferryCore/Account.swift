/// One mailbox to migrate: a row of the users file.
public struct Account: Sendable, Hashable {
    public var sourceUser: String
    /// Empty when the source is reached with `source.admin`.
    public var sourcePassword: Secret
    /// `local_user` from the file (or the source user), before `destination_domain` is applied.
    public var localUser: String
    /// Destination login without an admin; nil otherwise.
    public var localPassword: Secret?
    /// The destination mailbox: `localUser`, with `@destination_domain` when it had no "@".
    public var destinationUser: String
    /// Line in the users file, for diagnostics and logs.
    public var line: Int

    public init(
        sourceUser: String, sourcePassword: Secret, localUser: String, localPassword: Secret?,
        destinationUser: String, line: Int
    ) {
        self.sourceUser = sourceUser
        self.sourcePassword = sourcePassword
        self.localUser = localUser
        self.localPassword = localPassword
        self.destinationUser = destinationUser
        self.line = line
    }
}
