#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// Sizes the rest of the suite does not reach, through the built binary between two real Dovecot
    /// servers, judged by `scripts/compare-mailboxes.py`: a folder of 20,000 messages (many UID
    /// ranges and batches) and a message of 21.7 MB. The source is written straight into Maildir by
    /// `scripts/corpus.py` (profiles `folder20k` and `large21`), as the benchmark seeds it.
    @Suite(.serialized) struct SizesEndToEndTests {
        static let user = ("alice", "Sizes-alice-pw-1")
        static let admin = ("admin", "Sizes-admin-pw-0")

        @Test func aFolderOfTwentyThousandMessagesIsCopiedExactly() async throws {
            let comparison = try await Self.migrate(profile: "folder20k")
            #expect(comparison.folders["INBOX"] == 20_000)
            #expect(comparison.messagesA == 20_050 && comparison.matched == 20_050 && comparison.messagesB == 20_050)
        }

        @Test func aMessageOfMoreThanTwentyMegabytesIsCopiedExactly() async throws {
            let comparison = try await Self.migrate(profile: "large21") { source in
                let sizes = try FileManager.default.contentsOfDirectory(
                    atPath: source.mailDirectory(for: Self.user.0) + "/cur"
                )
                .compactMap { name in name.components(separatedBy: ",S=").dropFirst().first?.prefix { $0.isNumber } }
                .compactMap { Int($0) }
                #expect(sizes.max() ?? 0 >= 20_000_000, "the corpus holds a message of more than 20 MB: \(sizes)")
            }
            #expect(comparison.messagesA == 3 && comparison.matched == 3 && comparison.messagesB == 3)
        }

        /// Seeds `profile` on a fresh source, runs `apply` once and `plan --detailed-exitcode` after
        /// it, and returns the judge's verdict (asserted identical).
        static func migrate(
            profile: String, checkSource: (DovecotServer) throws -> Void = { _ in }
        ) async throws -> MailTools.Comparison {
            let source = try await DovecotServer.start(.init(users: [user], masterUser: admin, pop3: false))
            let destination = try await DovecotServer.start(.init(users: [user], masterUser: admin, pop3: false))
            return try await DovecotServer.stopping([source, destination]) {
                try MailTools.seed(source, user: user.0, profile: profile, seed: 24)
                try checkSource(source)
                let fixture = try JobFixture(
                    job: """
                        version: 1
                        name: sizes
                        \(source.imapsSourceYAML(timeout: "60s"))
                        \(destination.imapsDestinationYAML(adminVariable: JobFixture.adminVariable))
                        users:
                          file: users.csv

                        """,
                    users: "\(user.0),\(user.1)\n")
                defer { fixture.remove() }
                let binary = try MailferryBinary.locate()
                let environment = [JobFixture.adminVariable: admin.1]
                let apply = try await binary.run(["apply", fixture.jobPath], environment: environment)
                #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
                let plan = try await binary.run(
                    ["plan", "--detailed-exitcode", fixture.jobPath], environment: environment)
                #expect(plan.status == 0, "nothing left to copy: \(plan.stdout)\(plan.stderr)")
                let comparison = try MailTools.compare(source, destination, user: user.0, password: user.1)
                #expect(comparison.identical, "\(comparison.report.prefix(2000))")
                #expect(comparison.duplicates == 0 && comparison.missing == 0 && comparison.extra == 0)
                return comparison
            }
        }
    }
#endif
