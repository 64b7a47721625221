import Engine
import MailferryCore

/// The manifest `verify` writes with `--out` and prints with `--format json` (schemas/verify.schema.json):
/// per user and source message its folder, identity, size, status and (with --deep) SHA-256. Keys
/// sorted, every key present (`null` when unknown), no timestamps and no secrets, in a stable order
/// (users as in the users file, folders by path, messages by UID), so that two verifications of the
/// same mailboxes give the same bytes.
struct VerifyDocument: Encodable {
    static let formatVersion = 1
    /// Names the manifest in the error should its users not be its last key (`VerifyOutput`).
    static let documentName = "verify"

    var job: MigrationPlan.JobReference
    var deep: Bool
    var users: [UserVerification]
    /// The users' states; for the document's head, of the users written after it.
    var tally: VerificationTally
    /// False for the document's head, which `VerifyOutput` follows with the users one at a time.
    var listsUsers = true

    init(job: MigrationPlan.JobReference, deep: Bool, users: [UserVerification]) {
        self.job = job
        self.deep = deep
        self.users = users
        tally = VerificationTally(users)
    }

    /// The document without its users, whose states `tally` counts: what `VerifyOutput` writes
    /// before the users' entries.
    init(job: MigrationPlan.JobReference, deep: Bool, tally: VerificationTally) {
        self.init(job: job, deep: deep, users: [])
        self.tally = tally
        listsUsers = false
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", job, deep, complete, users, summary
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .formatVersion)
        try container.encode(job, forKey: .job)
        try container.encode(deep, forKey: .deep)
        try container.encode(tally.isComplete, forKey: .complete)
        try container.encode(listsUsers ? users.map { User(user: $0) } : [], forKey: .users)
        var summary: [String: Int] = ["users": tally.users]
        for state in UserVerification.State.allCases { summary[state.rawValue] = tally[state] }
        try container.encode(summary, forKey: .summary)
    }

    struct User: Encodable {
        var user: UserVerification
        /// False for the user's entry without its messages, which `VerifyOutput` writes from the
        /// user's `ManifestEntrySpool`.
        var listsMessages = true

        enum CodingKeys: String, CodingKey {
            case sourceUser = "source_user", destinationUser = "destination_user", state, error, counts, folders
            case messages, extra
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user.sourceUser, forKey: .sourceUser)
            try container.encode(user.destinationUser, forKey: .destinationUser)
            try container.encode(user.state.rawValue, forKey: .state)
            try container.encode(user.errorMessage, forKey: .error)
            let verification = user.verification
            let extra = verification?.extra ?? []
            var counts: [String: Int] = [
                "extra": extra.filter { !$0.movedOnDestination }.count,
                "moved_on_destination": extra.filter(\.movedOnDestination).count,
            ]
            for status in MessageCheck.Status.allCases { counts[status.rawValue] = verification?.count(status) ?? 0 }
            try container.encode(counts, forKey: .counts)
            try container.encode((verification?.folders ?? []).map(Folder.init), forKey: .folders)
            try container.encode(
                listsMessages ? (verification?.messages ?? []).map(Message.init) : [], forKey: .messages)
            try container.encode((verification?.extra ?? []).map(Extra.init), forKey: .extra)
        }
    }

    struct Folder: Encodable {
        var folder: FolderVerification

        enum CodingKeys: String, CodingKey { case source, destination, reason, skipped }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(folder.mapping.source.path.description, forKey: .source)
            try container.encode(folder.mapping.destination?.description, forKey: .destination)
            try container.encode(folder.mapping.reason, forKey: .reason)
            try container.encode(folder.mapping.isSkipped, forKey: .skipped)
        }
    }

    struct Message: Encodable {
        var check: MessageCheck

        enum CodingKeys: String, CodingKey {
            case folder, destinationFolder = "destination_folder", uid, destinationUID = "destination_uid"
            case identity, size, status, digest, destinationDigest = "destination_digest", differences
            case skipReason = "skip_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(check.sourceFolder.description, forKey: .folder)
            try container.encode(check.destinationFolder?.description, forKey: .destinationFolder)
            try container.encode(check.sourceUID, forKey: .uid)
            try container.encode(check.destinationUID, forKey: .destinationUID)
            try container.encode(check.identity.key, forKey: .identity)
            try container.encode(check.size, forKey: .size)
            try container.encode(check.status.rawValue, forKey: .status)
            try container.encode(check.sourceDigest, forKey: .digest)
            try container.encode(check.destinationDigest, forKey: .destinationDigest)
            try container.encode(
                check.differences.map { ["kind": $0.kind, "detail": $0.description] }, forKey: .differences)
            try container.encode(check.skipReason, forKey: .skipReason)
        }
    }

    struct Extra: Encodable {
        var message: ExtraMessage

        enum CodingKeys: String, CodingKey {
            case folder, uid, identity, size
            case movedOnDestination = "moved_on_destination"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message.folder.description, forKey: .folder)
            try container.encode(message.uid, forKey: .uid)
            try container.encode(message.identity.key, forKey: .identity)
            try container.encode(message.size, forKey: .size)
            try container.encode(message.movedOnDestination, forKey: .movedOnDestination)
        }
    }
}
