import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

/// `plan --format json` is encoded a user at a time (`PlanOutput`); it must give the very bytes
/// JSONEncoder gives for the whole plan, which SPEC section 4 and the schema describe.
@Suite struct PlanJSONTests {
    @Test func userAtATimeGivesTheWholeEncodersBytes() throws {
        for plan in try Self.plans() {
            let whole = try StableJSON.encode(plan)
            var head = plan
            head.users = []
            #expect(try StableJSON.encode(head, endingWith: "users", elements: plan.users) == whole)
            // And as `plan --out` writes it, from the spool, the users stored last to first.
            let directory = try PlanSpoolTests.emptyDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("plan.json").path
            let output = try PlanOutput(format: .text, outputFile: path, users: plan.users.count, colors: false)
            for (index, user) in plan.users.enumerated().reversed() { try output.store(user, at: index) }
            try output.writeOutputFile(head)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == whole, "\(plan.users.count) users")
        }
    }

    @Test func aDocumentNotEndingWithTheArrayIsLeftToTheWholeEncoder() throws {
        struct Document: Encodable {
            var users: [String]
            var zone: String
        }
        #expect(try StableJSON.encode(Document(users: [], zone: "z"), endingWith: "users", elements: ["a"]) == nil)
        #expect(try StableJSON.encode(Document(users: [], zone: "z"), endingWith: "zone", elements: ["a"]) == nil)
    }

    /// The full sample's users and one with empty arrays, newlines, quotes, slashes, braces, brackets
    /// and non-ASCII text in its strings.
    static func awkwardUsers() -> [UserPlan] {
        PlanSamples.fullPlan.users + [
            UserPlan(
                sourceUser: "Zoë \"quoted\"/{x}", destinationUser: "zoe@new.example", status: .ready,
                endpoint: .init(inbox: nil, folders: "imap4s://mail.old.example:993 (tls)"), candidates: [],
                error: "line one\nline two\n\n  [indented] }",
                folders: [
                    FolderPlan(
                        source: "Archiv/Ä\n  ]", destination: "Archive/A", action: .create, reason: "  \n  ",
                        messagesToCopy: 1, bytesToCopy: 1)
                ])
        ]
    }

    /// No users, the full sample, and one with what could upset a line-based indentation: empty
    /// arrays and objects inside a user, strings with newlines, quotes, slashes, braces, brackets and
    /// non-ASCII text, a shard, sign-in methods and duration estimates.
    static func plans() throws -> [MigrationPlan] {
        let empty = MigrationPlan(
            job: .init(name: "empty", file: "jobs/empty.yaml", digest: String(repeating: "0", count: 64)),
            offline: true, users: [])
        var awkward = PlanSamples.fullPlan
        awkward.users = awkwardUsers()
        awkward.signIn = ["source": "oauth2 (client credentials, tenant contoso.onmicrosoft.com)"]
        awkward.shard = MigrationPlan.Shard(
            try ShardSelection(index: 1, count: 3), jobUsers: 9, concurrency: 2)
        awkward.estimateDurations(
            source: .init(limits: ServerLimits(bytesPerDay: 500_000_000), provider: .gmail),
            destination: .init(limits: ServerLimits(), provider: .generic), parallel: 2)
        let many = MigrationPlan(
            job: .init(name: "fleet", file: "jobs/fleet.yaml", digest: String(repeating: "f", count: 64)),
            offline: false,
            users: (1...40).map { index in
                UserPlan(
                    sourceUser: "user\(index)", destinationUser: "user\(index)@new.example", status: .ready,
                    endpoint: .init(inbox: "pop3s://mail.old.example:995 (tls)", folders: nil),
                    candidates: ["pop3s://mail.old.example:995 (tls)"],
                    folders: [
                        FolderPlan(
                            source: "INBOX", destination: "INBOX", action: .update, reason: "new messages",
                            messagesToCopy: index, bytesToCopy: Int64(index) * 1000)
                    ])
            })
        return [empty, PlanSamples.fullPlan, awkward, many]
    }
}
