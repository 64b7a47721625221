/// The diff between source and destination, one change record per folder (Terraform's plan).
/// Encoded as the plan JSON of SPEC section 4: stable ordering, no timestamps, no secrets.
public struct MigrationPlan: Sendable, Hashable, Codable {
    public static let currentFormatVersion = 1

    public struct JobReference: Sendable, Hashable, Codable {
        public var name: String
        public var file: String
        /// sha256 over the job file and the users file, so that `apply --plan` can refuse a stale plan.
        public var digest: String
        /// The users file (joined with the job file's folder) and how many mailboxes it lists, so
        /// that a users file that lost lines shows at once. Absent in plans of older versions.
        public var usersFile: String?
        public var mailboxes: Int?

        public init(name: String, file: String, digest: String, usersFile: String? = nil, mailboxes: Int? = nil) {
            self.name = name
            self.file = file
            self.digest = digest
            self.usersFile = usersFile
            self.mailboxes = mailboxes
        }

        /// "users/batch-1.csv: 3 mailboxes" when the plan knows its users file.
        public var mailboxCountLine: String? {
            guard let usersFile, let mailboxes else { return nil }
            return Self.mailboxCountLine(usersFile: usersFile, mailboxes: mailboxes)
        }

        public static func mailboxCountLine(usersFile: String, mailboxes: Int) -> String {
            "\(usersFile): \(mailboxes) \(mailboxes == 1 ? "mailbox" : "mailboxes")"
        }

        enum CodingKeys: String, CodingKey {
            case name, file, digest
            case usersFile = "users_file"
            case mailboxes
        }
    }

    /// Which part of the users file a `plan --shard K/N` covers, and the per-shard share of the
    /// job's `options.concurrency` it applies with.
    public struct Shard: Sendable, Hashable, Codable {
        public var index: Int
        public var count: Int
        /// Users in the whole users file (the plan lists this shard's).
        public var jobUsers: Int
        /// Mailboxes at once in this shard.
        public var concurrency: Int

        public init(_ selection: ShardSelection, jobUsers: Int, concurrency: Int) {
            self.index = selection.index
            self.count = selection.count
            self.jobUsers = jobUsers
            self.concurrency = concurrency
        }

        /// The selection this plan was made for.
        public var selection: ShardSelection? { try? ShardSelection(index: index, count: count) }

        enum CodingKeys: String, CodingKey {
            case index, count, concurrency
            case jobUsers = "job_users"
        }
    }

    public var formatVersion: Int
    public var job: JobReference
    /// Nil unless made with `--shard` (the key is then left out of the JSON).
    public var shard: Shard?
    /// True for `plan --offline`: no server was contacted, folders are the rules, not a diff.
    public var offline: Bool
    public var users: [UserPlan]
    public var summary: PlanSummary
    /// How each side signs in when it does not use passwords, e.g. `source` ->
    /// `oauth2 (client credentials, tenant contoso.onmicrosoft.com)`; nil when both use passwords.
    public var signIn: [String: String]?
    /// The least time the whole job takes under the `limits` (`estimateDurations`).
    public var durationUnderLimits: DurationUnderLimits?

    public init(
        job: JobReference, offline: Bool, users: [UserPlan], shard: Shard? = nil, signIn: [String: String]? = nil
    ) {
        self.formatVersion = Self.currentFormatVersion
        self.job = job
        self.shard = shard
        self.offline = offline
        self.users = users
        self.summary = PlanSummary(users: users)
        self.signIn = signIn
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case signIn = "sign_in"
        case job, offline, users, summary, shard
        case durationUnderLimits = "duration_under_limits"
    }
}

public enum PlanAction: String, Sendable, Hashable, Codable, CaseIterable {
    case create
    case update
    case noop
    case skip
    /// The folder loses messages on the destination (deletions mirrored from the source), whatever
    /// else it gains.
    case delete

    /// Text output marks (`+ ~ x -`); a no-op folder is shown with a blank mark.
    public var glyph: Character {
        switch self {
        case .create: return "+"
        case .update: return "~"
        case .delete: return "x"
        case .noop: return " "
        case .skip: return "-"
        }
    }
}

public struct UserPlan: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Both sides reached; `folders` is the diff.
        case ready
        /// Login or connection failed; `error` says why. Text output marks it `!`.
        case unreachable
        /// Offline plan: nothing was contacted.
        case offline
    }

    /// Which endpoint carries INBOX and which the other folders.
    public struct Endpoints: Sendable, Hashable, Codable {
        public var inbox: String?
        public var folders: String?

        public init(inbox: String?, folders: String?) {
            self.inbox = inbox
            self.folders = folders
        }
    }

    public var sourceUser: String
    public var destinationUser: String
    public var status: Status
    /// The endpoints used (online) or tried first (offline).
    public var endpoint: Endpoints
    /// Every endpoint in the order it is tried.
    public var candidates: [String]
    public var error: String?
    public var folders: [FolderPlan]
    /// The least time copying this mailbox takes under the sides' `limits`; nil without such limits.
    public var durationUnderLimits: DurationUnderLimits?

    public init(
        sourceUser: String, destinationUser: String, status: Status, endpoint: Endpoints, candidates: [String],
        error: String? = nil, folders: [FolderPlan]
    ) {
        self.sourceUser = sourceUser
        self.destinationUser = destinationUser
        self.status = status
        self.endpoint = endpoint
        self.candidates = candidates
        self.error = error
        self.folders = folders
    }

    public var hasChanges: Bool {
        folders.contains { $0.action == .create || $0.action == .update || $0.action == .delete }
    }

    /// Whether the state holds a sync baseline for this user; nil when unknown (offline, unreachable).
    /// Without one, flags come from the source and deletions made on the destination cannot be seen.
    public var syncBaseline: Bool?

    enum CodingKeys: String, CodingKey {
        case sourceUser = "source_user"
        case destinationUser = "destination_user"
        case status, endpoint, candidates, error, folders
        case syncBaseline = "sync_baseline"
        case durationUnderLimits = "duration_under_limits"
    }
}

public struct FolderPlan: Sendable, Hashable, Codable {
    /// Source name with "/" as separator, as folder rules see it.
    public var source: String
    /// Destination name with "/" as separator; nil when skipped.
    public var destination: String?
    public var action: PlanAction
    /// Explains the action for people; never drives apply.
    public var reason: String
    public var messagesToCopy: Int
    public var bytesToCopy: Int64
    public var messagesPresent: Int
    public var flagsToUpdate: Int
    /// Messages left out by `since` or `max_message_size`.
    public var messagesSkipped: Int
    /// Deleted (or moved) on the destination since the last sync: not copied again.
    public var messagesKeptDeleted: Int
    /// Gone from the source since the last sync and removed from the destination (`deletions: mirror`).
    public var messagesToDelete: Int
    /// The deletions trip the mass-delete guard: apply makes none without `--allow-mass-delete`.
    public var deletionsRefused: Bool

    public init(
        source: String, destination: String?, action: PlanAction, reason: String, messagesToCopy: Int = 0,
        bytesToCopy: Int64 = 0, messagesPresent: Int = 0, flagsToUpdate: Int = 0, messagesSkipped: Int = 0,
        messagesKeptDeleted: Int = 0, messagesToDelete: Int = 0, deletionsRefused: Bool = false
    ) {
        self.messagesKeptDeleted = messagesKeptDeleted
        self.messagesToDelete = messagesToDelete
        self.deletionsRefused = deletionsRefused
        self.source = source
        self.destination = destination
        self.action = action
        self.reason = reason
        self.messagesToCopy = messagesToCopy
        self.bytesToCopy = bytesToCopy
        self.messagesPresent = messagesPresent
        self.flagsToUpdate = flagsToUpdate
        self.messagesSkipped = messagesSkipped
    }

    enum CodingKeys: String, CodingKey {
        case source, destination, action, reason
        case messagesToCopy = "messages_to_copy"
        case bytesToCopy = "bytes_to_copy"
        case messagesPresent = "messages_present"
        case flagsToUpdate = "flags_to_update"
        case messagesSkipped = "messages_skipped"
        case messagesKeptDeleted = "messages_kept_deleted"
        case messagesToDelete = "messages_to_delete"
        case deletionsRefused = "deletions_refused"
    }

    /// Plans of older versions lack the deletion keys: zero and false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        destination = try container.decodeIfPresent(String.self, forKey: .destination)
        action = try container.decode(PlanAction.self, forKey: .action)
        reason = try container.decode(String.self, forKey: .reason)
        messagesToCopy = try container.decode(Int.self, forKey: .messagesToCopy)
        bytesToCopy = try container.decode(Int64.self, forKey: .bytesToCopy)
        messagesPresent = try container.decode(Int.self, forKey: .messagesPresent)
        flagsToUpdate = try container.decode(Int.self, forKey: .flagsToUpdate)
        messagesSkipped = try container.decode(Int.self, forKey: .messagesSkipped)
        messagesKeptDeleted = try container.decodeIfPresent(Int.self, forKey: .messagesKeptDeleted) ?? 0
        messagesToDelete = try container.decodeIfPresent(Int.self, forKey: .messagesToDelete) ?? 0
        deletionsRefused = try container.decodeIfPresent(Bool.self, forKey: .deletionsRefused) ?? false
    }
}

/// Counts per action, for the summary line ("Plan: 3 to create, 2 to update, ...").
public struct PlanSummary: Sendable, Hashable, Codable {
    public var users: Int
    public var usersUnreachable: Int
    public var foldersToCreate: Int
    public var foldersToUpdate: Int
    public var foldersUnchanged: Int
    public var foldersSkipped: Int
    public var messagesToCopy: Int
    public var bytesToCopy: Int64
    public var messagesPresent: Int
    public var flagsToUpdate: Int
    public var messagesSkipped: Int
    public var foldersWithDeletions: Int
    public var messagesKeptDeleted: Int
    public var messagesToDelete: Int

    public init(users plans: [UserPlan]) {
        self.init()
        for plan in plans { add(plan) }
    }

    /// No users yet: every count zero.
    public init() {
        users = 0
        usersUnreachable = 0
        foldersToCreate = 0
        foldersToUpdate = 0
        foldersUnchanged = 0
        foldersSkipped = 0
        messagesToCopy = 0
        bytesToCopy = 0
        messagesPresent = 0
        flagsToUpdate = 0
        messagesSkipped = 0
        foldersWithDeletions = 0
        messagesKeptDeleted = 0
        messagesToDelete = 0
    }

    /// Counts one more user's plan, so that a plan can be summed up a user at a time.
    public mutating func add(_ plan: UserPlan) {
        users += 1
        if plan.status == .unreachable { usersUnreachable += 1 }
        for folder in plan.folders {
            switch folder.action {
            case .create: foldersToCreate += 1
            case .update: foldersToUpdate += 1
            case .noop: foldersUnchanged += 1
            case .skip: foldersSkipped += 1
            case .delete: foldersWithDeletions += 1
            }
            messagesToCopy += folder.messagesToCopy
            bytesToCopy += folder.bytesToCopy
            messagesPresent += folder.messagesPresent
            flagsToUpdate += folder.flagsToUpdate
            messagesSkipped += folder.messagesSkipped
            messagesKeptDeleted += folder.messagesKeptDeleted
            if !folder.deletionsRefused { messagesToDelete += folder.messagesToDelete }
        }
    }

    /// Terraform's `--detailed-exitcode` question: would apply change anything? Deletions count.
    public var hasChanges: Bool {
        foldersToCreate + foldersToUpdate + foldersWithDeletions > 0
            || messagesToCopy + flagsToUpdate + messagesToDelete > 0
    }

    enum CodingKeys: String, CodingKey {
        case users
        case usersUnreachable = "users_unreachable"
        case foldersToCreate = "folders_to_create"
        case foldersToUpdate = "folders_to_update"
        case foldersUnchanged = "folders_unchanged"
        case foldersSkipped = "folders_skipped"
        case messagesToCopy = "messages_to_copy"
        case bytesToCopy = "bytes_to_copy"
        case messagesPresent = "messages_present"
        case flagsToUpdate = "flags_to_update"
        case messagesSkipped = "messages_skipped"
        case foldersWithDeletions = "folders_with_deletions"
        case messagesKeptDeleted = "messages_kept_deleted"
        case messagesToDelete = "messages_to_delete"
    }

    /// Plans of older versions lack the deletion keys: zero.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        users = try container.decode(Int.self, forKey: .users)
        usersUnreachable = try container.decode(Int.self, forKey: .usersUnreachable)
        foldersToCreate = try container.decode(Int.self, forKey: .foldersToCreate)
        foldersToUpdate = try container.decode(Int.self, forKey: .foldersToUpdate)
        foldersUnchanged = try container.decode(Int.self, forKey: .foldersUnchanged)
        foldersSkipped = try container.decode(Int.self, forKey: .foldersSkipped)
        messagesToCopy = try container.decode(Int.self, forKey: .messagesToCopy)
        bytesToCopy = try container.decode(Int64.self, forKey: .bytesToCopy)
        messagesPresent = try container.decode(Int.self, forKey: .messagesPresent)
        flagsToUpdate = try container.decode(Int.self, forKey: .flagsToUpdate)
        messagesSkipped = try container.decode(Int.self, forKey: .messagesSkipped)
        foldersWithDeletions = try container.decodeIfPresent(Int.self, forKey: .foldersWithDeletions) ?? 0
        messagesKeptDeleted = try container.decodeIfPresent(Int.self, forKey: .messagesKeptDeleted) ?? 0
        messagesToDelete = try container.decodeIfPresent(Int.self, forKey: .messagesToDelete) ?? 0
    }
}
