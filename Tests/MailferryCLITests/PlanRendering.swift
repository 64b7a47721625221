import MailferryCore

@testable import MailferryCLI

/// Whole-string forms of the plan outputs, which `PlanOutput` writes a piece at a time, for tests to
/// compare: the same pieces, joined.
extension TextPlanRenderer {
    func render(_ plan: MigrationPlan) -> String {
        header(plan) + plan.users.map(piece).joined() + footer(plan)
    }
}

extension MarkdownPlanRenderer {
    func render(_ plan: MigrationPlan) -> String {
        let sections = plan.users.map(section)
        let header = header(plan)
        let fit = sectionsThatFit(headerLength: header.utf8.count, sectionLengths: sections.map(\.utf8.count))
        return header + sections.prefix(fit).joined()
            + (fit < sections.count ? truncationNote(sections.count - fit) : "")
    }
}

/// Keeps the users a planner hands over, in the plan's order.
final class UserPlanCollector: UserPlanSink {
    private(set) var users: [UserPlan?]

    init(count: Int) {
        users = Array(repeating: nil, count: count)
    }

    func store(_ user: UserPlan, at index: Int) throws(CLIError) {
        users[index] = user
    }

    /// `head` with the users collected.
    func plan(_ head: MigrationPlan) -> MigrationPlan {
        var plan = head
        plan.users = users.compactMap { $0 }
        return plan
    }
}

extension OfflinePlanner {
    /// The whole plan, users included.
    func planned(accounts: [Account], digest: String) -> MigrationPlan {
        let collector = UserPlanCollector(count: accounts.count)
        return collector.plan(try! plan(accounts: accounts, digest: digest, into: collector))
    }
}

extension StableJSON {
    /// A document whose last key is the array `key` written in pieces and joined: `head` is the
    /// document with that array empty, `elements` its elements. Nil when `head` does not end so.
    static func encode<Element: Encodable>(
        _ head: some Encodable, endingWith key: String, elements: [Element]
    ) throws -> String? {
        guard let opening = try opening(head, endingWith: key) else { return nil }
        var text = ""
        try write(
            opening: opening, encodedElements: { body in for value in elements { try body(try element(value), true) } },
            to: { text += $0 })
        return text
    }
}
