import MailferryCore

/// What loading one job file produced: the job when nothing was wrong, and every diagnostic.
public struct JobLoadResult: Sendable {
    /// Nil when any error was found (warnings alone still give a job).
    public var job: Job?
    /// Every problem, errors and warnings, in `sortedForOutput()` order.
    public var diagnostics: [Diagnostic]
    /// The job file's path as given.
    public var jobFile: String
    /// The users file's path (joined with the job file's folder) when the job file names one.
    public var usersFile: String?
    /// How many mailboxes the users file yields (lines with errors not counted); nil when it could
    /// not be read. `validate` prints it so that a users file that lost lines shows at once.
    public var mailboxCount: Int?
    /// The job's name (from `name:` or derived) when it could be determined, even if other parts
    /// are wrong, so that several job files can be checked for unique names.
    public var jobName: String?
    /// Where `name:` is written; nil for a derived name.
    public var nameLocation: SourceLocation?

    public init(
        job: Job?, diagnostics: [Diagnostic], jobFile: String, usersFile: String?, mailboxCount: Int? = nil,
        jobName: String? = nil, nameLocation: SourceLocation? = nil
    ) {
        self.job = job
        self.diagnostics = diagnostics
        self.jobFile = jobFile
        self.usersFile = usersFile
        self.mailboxCount = mailboxCount
        self.jobName = jobName
        self.nameLocation = nameLocation
    }
}
