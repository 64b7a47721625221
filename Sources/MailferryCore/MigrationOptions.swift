/// `options:` of a job file, with defaults.
public struct MigrationOptions: Sendable, Hashable {
    /// Mailboxes migrated at once.
    public var concurrency: Int
    /// Only messages with INTERNALDATE on or after this day (UTC, as "YYYY-MM-DD").
    public var since: CalendarDay?
    /// Larger messages are skipped and reported.
    public var maxMessageSize: Int64?
    public var flags: Bool
    public var retries: Int
    /// `options.deletions`.
    public var deletions: DeletionPolicy
    /// Copy again what the user deleted on the destination since the last sync (`--restore-deleted`,
    /// `options.restore_deleted`); otherwise it stays deleted.
    public var restoreDeleted: Bool
    /// Lift the mass-delete guard for this run (`--allow-mass-delete`; never in the job file).
    public var allowMassDelete: Bool
    /// `destination.imap.provider`: a larger message than its cap (`MailProvider.messageSizeCap`) is
    /// skipped and reported, as the server would refuse it.
    public var destinationProvider: MailProvider

    public init(
        concurrency: Int = 8, since: CalendarDay? = nil, maxMessageSize: Int64? = nil, flags: Bool = true,
        retries: Int = 3, deletions: DeletionPolicy = .keep, restoreDeleted: Bool = false,
        allowMassDelete: Bool = false,
        destinationProvider: MailProvider = .generic
    ) {
        self.concurrency = concurrency
        self.since = since
        self.maxMessageSize = maxMessageSize
        self.flags = flags
        self.retries = retries
        self.deletions = deletions
        self.restoreDeleted = restoreDeleted
        self.allowMassDelete = allowMassDelete
        self.destinationProvider = destinationProvider
    }
}

/// A calendar day without time zone, as written in a job file.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        let daysInMonth = [
            31, (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31,
            31, 30, 31, 30, 31,
        ]
        guard (1...daysInMonth[month - 1]).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// For values computed from a valid timestamp, which are valid by construction.
    init(validYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        let pad: (Int, Int) -> String = { value, width in
            let s = String(value)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
