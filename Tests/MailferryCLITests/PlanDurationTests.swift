import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

/// Durations under limits in the three plan formats.
@Suite struct PlanDurationTests {
    /// One mailbox with 1.8 GiB to copy into Gmail, one with 10 MB.
    static var gmailPlan: MigrationPlan {
        func user(_ name: String, bytes: Int64) -> UserPlan {
            UserPlan(
                sourceUser: name, destinationUser: "\(name)@new.example", status: .ready,
                endpoint: .init(
                    inbox: "imap4s://mail.old.example:993 (tls)", folders: "imap4s://mail.old.example:993 (tls)"),
                candidates: ["imap4s://mail.old.example:993 (tls)"],
                folders: [
                    FolderPlan(
                        source: "INBOX", destination: "INBOX", action: .update, reason: "new messages",
                        messagesToCopy: 900, bytesToCopy: bytes)
                ])
        }
        var plan = MigrationPlan(
            job: .init(name: "sample", file: "jobs/sample.yaml", digest: String(repeating: "ab", count: 32)),
            offline: false, users: [user("alice", bytes: 1_932_735_283), user("bob", bytes: 10_000_000)])
        plan.estimateDurations(
            source: .init(limits: ServerLimits(), provider: .generic),
            destination: .init(limits: .defaults(for: .gmail, side: .destination), provider: .gmail), parallel: 8)
        return plan
    }

    @Test func textShowsEachUsersAndTheJobsDuration() {
        let text = TextPlanRenderer(colors: false).render(Self.gmailPlan)
        #expect(text.contains("      limits      1.8 GiB to upload into Gmail at 500 MB a day: 4 days\n"))
        // Within one day's budget: no time to show.
        #expect(text.components(separatedBy: "      limits      ").count == 2)
        #expect(
            text.hasSuffix(
                "Under the limits the job takes at least 4 days "
                    + "(slowest: 1.8 GiB to upload into Gmail at 500 MB a day: 4 days).\n"))
    }

    @Test func markdownShowsTheSame() {
        let text = MarkdownPlanRenderer().render(Self.gmailPlan)
        #expect(text.contains("- under the limits: 1.8 GiB to upload into Gmail at 500 MB a day: 4 days\n"))
        #expect(text.contains("Under the limits the job takes at least **4 days**"))
    }

    @Test func jsonCarriesTheNumbersAndValidates() throws {
        let json = try StableJSON.encode(Self.gmailPlan)
        #expect(json.contains("\"limit\" : \"bytes_per_day\""))
        #expect(json.contains("\"seconds\" : 345600"))
        let schema = MailferryBinary.packageRoot.appendingPathComponent("schemas/plan.schema.json").path
        #expect(try PythonJSONSchema.locate().errors(validating: json, against: schema) == nil)
        let decoded = try JSONDecoder().decode(MigrationPlan.self, from: Data(json.utf8))
        #expect(decoded.durationUnderLimits == Self.gmailPlan.durationUnderLimits)
    }

    @Test func shortDurationsAreInHoursAndMinutes() {
        let estimate = DurationUnderLimits(
            seconds: 5_400, side: "source", limit: .messagesPerSecond, value: 10, provider: .exchange, messages: 54_000,
            bytes: 1)
        #expect(
            LimitDurationText.sentence(estimate)
                == "54000 messages to download from Exchange at 10 a second: 1 h 30 min")
    }

    /// Three mailboxes of 600 MB into a destination that allows 1 MB a second for all of them.
    static var serverWidePlan: MigrationPlan {
        let users = ["alice", "bob", "carol"].map { name in
            UserPlan(
                sourceUser: name, destinationUser: "\(name)@new.example", status: .ready,
                endpoint: .init(inbox: nil, folders: nil), candidates: [],
                folders: [
                    FolderPlan(
                        source: "INBOX", destination: "INBOX", action: .update, reason: "new messages",
                        messagesToCopy: 100, bytesToCopy: 600_000_000)
                ])
        }
        var plan = MigrationPlan(
            job: .init(name: "sample", file: "jobs/sample.yaml", digest: String(repeating: "ab", count: 32)),
            offline: false, users: users)
        plan.estimateDurations(
            source: .init(limits: ServerLimits(), provider: .generic),
            destination: .init(
                limits: ServerLimits(bytesPerSecond: 2_000_000, server: ServerWideLimits(bytesPerSecond: 1_000_000)),
                provider: .generic),
            parallel: 3)
        return plan
    }

    @Test func theServerWideLimitThatBindsIsNamedInAllThreeFormats() throws {
        let text = TextPlanRenderer(colors: false).render(Self.serverWidePlan)
        // Alone, a mailbox is held to the server's 1 MB a second too: 10 minutes.
        #expect(
            text.contains(
                "      limits      572.2 MiB to upload into the destination at 1 MB a second server-wide: 10 min 00 s\n"
            ),
            "\(text)")
        #expect(
            text.hasSuffix(
                "Under the limits the job takes at least 30 min 00 s (the server-wide limit binds: "
                    + "1.7 GiB to upload into the destination at 1 MB a second server-wide: 30 min 00 s).\n"), "\(text)"
        )
        let markdown = MarkdownPlanRenderer().render(Self.serverWidePlan)
        #expect(
            markdown.contains("Under the limits the job takes at least **30 min 00 s** (the server-wide limit binds: "))
        let json = try StableJSON.encode(Self.serverWidePlan)
        #expect(json.contains("\"scope\" : \"server\""))
        let schema = MailferryBinary.packageRoot.appendingPathComponent("schemas/plan.schema.json").path
        #expect(try PythonJSONSchema.locate().errors(validating: json, against: schema) == nil)
    }
}
