#if os(Linux)
    import Foundation
    import Ledger
    import MailferryCore
    import TestSupport
    import Testing

    /// `apply --shard K/N` as N concurrent processes of the built binary over one job between two real
    /// Dovecot servers: every user migrated by exactly one shard, into its own state folder; merged
    /// `status` shows them all; a second run of one shard touches only that shard's users.
    @Suite(.serialized) struct ShardEndToEndTests {
        /// Seven users whose shards of 3 (SHA-256 of the name) are 0: cat, fay; 1: dan, hal; 2: ann, ben, eve.
        static let users = [
            ("ann", "Shard-ann-pw-1"), ("ben", "Shard-ben-pw-2"), ("cat", "Shard-cat-pw-3"), ("dan", "Shard-dan-pw-4"),
            ("eve", "Shard-eve-pw-5"), ("fay", "Shard-fay-pw-6"), ("hal", "Shard-hal-pw-7"),
        ]
        static let admin = ("admin", "Shard-admin-pw-0")
        static let shardCount = 3

        static func job(source: DovecotServer, destination: DovecotServer) -> String {
            """
            version: 1
            name: sharded
            \(source.imapsSourceYAML())
            \(destination.imapsDestinationYAML(adminVariable: JobFixture.adminVariable))
            users:
              file: users.csv
            options:
              concurrency: 6
              retries: 1

            """
        }

        static func message(_ user: String, _ number: Int) -> Data {
            Data(
                """
                From: sender@example.org\r
                To: \(user)@example.org\r
                Subject: message \(number) for \(user)\r
                Date: Mon, 4 Jan 2027 10:0\(number):00 +0000\r
                Message-ID: <\(user)-\(number)@shard.test>\r
                \r
                Body \(number) of \(user).\r

                """.utf8)
        }

        @Test func concurrentShardsMigrateEveryUserExactlyOnceAndRerunsStayInTheirShard() async throws {
            let source = try await DovecotServer.start(.init(users: Self.users, masterUser: Self.admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: Self.users, masterUser: Self.admin, pop3: false))
            let fixture = try JobFixture(
                job: Self.job(source: source, destination: destination),
                users: Self.users.map { "\($0.0),\($0.1)\n" }.joined())
            defer { fixture.remove() }
            for (user, _) in Self.users {
                _ = try source.deliver(Self.message(user, 1), to: user)
                _ = try source.deliver(Self.message(user, 2), to: user)
                _ = try source.deliver(Self.message(user, 3), to: user, folder: "Work")
            }
            let names = Self.users.map(\.0)
            let expected = (0..<Self.shardCount).map { index in
                Set(names.filter { ShardSelection.shardIndex(of: $0, count: Self.shardCount) == index })
            }
            #expect(expected.allSatisfy { !$0.isEmpty }, "every shard has users: \(expected)")

            let binary = try MailferryBinary.locate()
            let environment = [JobFixture.adminVariable: Self.admin.1]
            let stateDirectory = fixture.path(".mailferry/sharded")
            let processes = try (0..<Self.shardCount).map { index in
                try binary.start(
                    ["apply", "--shard", "\(index)/\(Self.shardCount)", fixture.jobPath], environment: environment,
                    outputPath: fixture.path("apply-\(index).out"))
            }
            let ends = processes.map { $0.waitForEnd() }
            for (index, end) in ends.enumerated() {
                let output = try String(contentsOfFile: fixture.path("apply-\(index).out"), encoding: .utf8)
                #expect(end == .exited(0), "shard \(index): \(output)")
                #expect(output.contains(", shard \(index)/\(Self.shardCount)\n"))
                let count = expected[index].count
                #expect(output.contains("\(count) \(count == 1 ? "user" : "users"): \(count) done;"), "\(output)")
            }

            // Each shard's own state folder holds exactly its users, each migrated once.
            var migrated: [String: Int] = [:]
            for index in 0..<Self.shardCount {
                let folder = stateDirectory + "/shard-\(index)-of-\(Self.shardCount)"
                let ledger = try Ledger.openExisting(directory: folder)
                let results = try ledger.latestUserResults()
                #expect(Set(results.map(\.sourceUser)) == expected[index], "shard \(index)")
                #expect(results.allSatisfy { $0.state == .done && $0.counts.messagesCopied == 3 })
                #expect(try ledger.runs().count == 1)
                for result in results { migrated[result.sourceUser, default: 0] += 1 }
            }
            #expect(migrated == Dictionary(uniqueKeysWithValues: names.map { ($0, 1) }), "union = all, no overlap")
            #expect(!FileManager.default.fileExists(atPath: stateDirectory + "/state.sqlite"))
            for (user, password) in Self.users {
                let comparison = try MailTools.compare(source, destination, user: user, password: password)
                #expect(comparison.identical, "\(user): \(comparison.report)")
                #expect(comparison.messagesB == 3 && comparison.duplicates == 0 && comparison.extra == 0)
            }

            // status without --shard merges the three folders.
            let status = try await binary.run(["status", "--format", "json", fixture.jobPath])
            #expect(status.status == 0, "\(status.stderr)")
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let rows = try #require(document["users"] as? [[String: Any]])
            #expect(rows.map { $0["source_user"] as? String } == names)
            #expect(rows.allSatisfy { $0["state"] as? String == "done" })
            #expect((document["state_folders"] as? [String])?.count == Self.shardCount)
            let text = try await binary.run(["status", fixture.jobPath])
            #expect(text.stdout.contains("7 users: 7 done;"))
            #expect(text.stdout.contains("(merged: 3 shard folders)"))
            let one = try await binary.run([
                "status", "--shard", "1/\(Self.shardCount)", "--format", "json", fixture.jobPath,
            ])
            let oneDocument = try #require(
                try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
            let oneRows = try #require(oneDocument["users"] as? [[String: Any]])
            #expect(Set(oneRows.compactMap { $0["source_user"] as? String }) == expected[1])
            // report merges every shard, or shows one.
            for (arguments, users) in [([String](), Set(names)), (["--shard", "1/\(Self.shardCount)"], expected[1])] {
                let report = try await binary.run(["report", "--format", "json"] + arguments + [fixture.jobPath])
                #expect(report.status == 0, "\(report.stderr)")
                let reportDocument = try #require(
                    try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
                let reportRows = try #require(reportDocument["users"] as? [[String: Any]])
                #expect(Set(reportRows.compactMap { $0["source_user"] as? String }) == users, "report \(arguments)")
                #expect(reportRows.allSatisfy { $0["state"] as? String == "done" }, "report \(arguments)")
            }

            // New mail for a user of shard 0 and one of shard 1; only shard 1 runs again.
            let zeroUser = try #require(expected[0].sorted().first)
            let oneUser = try #require(expected[1].sorted().first)
            _ = try source.deliver(Self.message(zeroUser, 4), to: zeroUser)
            _ = try source.deliver(Self.message(oneUser, 4), to: oneUser)
            let rerun = try await binary.run(
                ["apply", "--shard", "1/\(Self.shardCount)", "--format", "json", fixture.jobPath],
                environment: environment)
            #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
            let rerunDocument = try #require(
                try JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any])
            let rerunRows = try #require(rerunDocument["users"] as? [[String: Any]])
            #expect(Set(rerunRows.compactMap { $0["source_user"] as? String }) == expected[1])
            #expect(MailTools.storedMessages(destination, user: oneUser) == 4)
            #expect(MailTools.storedMessages(destination, user: zeroUser) == 3, "shard 0 was not run again")
            let zeroLedger = try Ledger.openExisting(
                directory: stateDirectory + "/shard-0-of-\(Self.shardCount)")
            #expect(try zeroLedger.runs().count == 1)

            // The user's log (found in its shard's folder) names the mailferry of each run.
            let log = try await binary.run(["logs", fixture.jobPath, oneUser])
            #expect(log.status == 0, "\(log.stderr)")
            #expect(log.stdout.components(separatedBy: "by mailferry ").count == 3, "two runs: \(log.stdout)")
            let all = try await binary.run(["logs", fixture.jobPath, "--all", "--out", fixture.path("all-logs")])
            #expect(all.status == 0, "\(all.stderr)")
            #expect(all.stdout.hasPrefix("Wrote \(names.count) logs"), "every shard's logs: \(all.stdout)")
            await source.stop()
            await destination.stop()
        }
    }
#endif
