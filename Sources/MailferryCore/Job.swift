/// A validated job: everything `jobs/<batch>.yaml` and its users file say, with defaults applied.
/// Only `JobSpec` builds one, and only when validation found no errors.
public struct Job: Sendable {
    /// `name:` from the file, or a numeric name derived from the job file's path (`nameIsDerived`).
    public var name: String
    public var nameIsDerived: Bool
    /// Path of the job file as given on the command line.
    public var file: String
    public var source: SourceServer
    public var destination: Destination
    public var folders: FolderRules
    public var usersFile: UsersFileSettings
    public var options: MigrationOptions
    /// One entry per mailbox, in users-file order.
    public var accounts: [Account]

    public init(
        name: String, nameIsDerived: Bool, file: String, source: SourceServer, destination: Destination,
        folders: FolderRules, usersFile: UsersFileSettings, options: MigrationOptions, accounts: [Account]
    ) {
        self.name = name
        self.nameIsDerived = nameIsDerived
        self.file = file
        self.source = source
        self.destination = destination
        self.folders = folders
        self.usersFile = usersFile
        self.options = options
        self.accounts = accounts
    }

    /// How a plan names this job: its file, the digest of both files and the users file's mailboxes.
    public func planReference(digest: String) -> MigrationPlan.JobReference {
        MigrationPlan.JobReference(
            name: name, file: file, digest: digest, usersFile: usersFile.resolvedPath, mailboxes: accounts.count)
    }

    /// "users/batch-1.csv: 3 mailboxes", the line that shows a users file that lost lines.
    public var mailboxCountLine: String {
        MigrationPlan.JobReference.mailboxCountLine(usersFile: usersFile.resolvedPath, mailboxes: accounts.count)
    }

    /// Conventional upper bound of mailboxes per job; above it `validate` recommends batches.
    public static let recommendedMaximumAccounts = 500
}
