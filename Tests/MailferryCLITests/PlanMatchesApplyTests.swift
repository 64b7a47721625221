#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// "The plan shows what apply will do", by construction (both run `FolderPass.prepare`) and
    /// checked here: per user, the messages and flag updates `plan --format json` announces are
    /// exactly what the `apply` that follows reports, on a cold copy of the e2e corpus and again
    /// after both sides changed behind mailferry's back.
    @Suite(.serialized) struct PlanMatchesApplyTests {
        static let users = [("alice", "Plan-alice-pw-1"), ("bob", "Plan-bob-pw-2")]
        static let admin = ("admin", "Plan-admin-pw-0")

        struct Counts: Equatable, CustomStringConvertible {
            var messages: Int
            var flags: Int
            var keptDeleted: Int
            var description: String { "\(messages) messages, \(flags) flag updates, \(keptDeleted) kept deleted" }
        }

        @Test func planCountsAreWhatApplyDoes() async throws {
            let source = try await DovecotServer.start(.init(users: Self.users, masterUser: Self.admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: Self.users, masterUser: Self.admin, pop3: false))
            do {
                try await check(source: source, destination: destination)
            } catch {
                await source.stop()
                await destination.stop()
                throw error
            }
            await source.stop()
            await destination.stop()
        }

        func check(source: DovecotServer, destination: DovecotServer) async throws {
            let fixture = try JobFixture(
                job: CrashResumeEndToEndTests.job(source: source, destination: destination)
                    .replacingOccurrences(of: "name: crash-resume", with: "name: plan-apply"),
                users: Self.users.map { "\($0.0),\($0.1)\n" }.joined())
            defer { fixture.remove() }
            for (index, user) in Self.users.enumerated() {
                try MailTools.seed(source, user: user.0, seed: 41 + index)
            }
            let binary = try MailferryBinary.locate()
            let environment = [JobFixture.adminVariable: Self.admin.1]

            let cold = try await planAndApply(binary, fixture, environment)
            #expect(cold.planned == cold.applied, "cold copy")
            #expect(cold.planned["alice"]?.messages == 149)

            // Behind mailferry's back: the destination loses messages and gets other flags; the
            // source gets new mail and other flags.
            for (user, _) in Self.users {
                try Self.mutate(destination, user: user, delete: 5, reflag: 4)
                try Self.mutate(source, user: user, delete: 0, reflag: 3)
                try Self.deliver(source, user: user, count: 3)
            }
            let changed = try await planAndApply(binary, fixture, environment)
            #expect(changed.planned == changed.applied, "after changes on both sides")
            for (user, _) in Self.users {
                // What the user deleted on the destination stays deleted (the sync baseline knows it).
                #expect(changed.planned[user]?.messages == 3, "\(user): 3 new")
                #expect(changed.planned[user]?.keptDeleted == 5, "\(user): 5 deleted on the destination")
            }
            let again = try await binary.run(
                ["plan", "--detailed-exitcode", fixture.jobPath], environment: environment)
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        }

        func planAndApply(_ binary: MailferryBinary, _ fixture: JobFixture, _ environment: [String: String])
            async throws -> (planned: [String: Counts], applied: [String: Counts])
        {
            let plan = try await binary.run(["plan", "--format", "json", fixture.jobPath], environment: environment)
            #expect(plan.status == 0, "\(plan.stderr)")
            let apply = try await binary.run(["apply", "--format", "json", fixture.jobPath], environment: environment)
            #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
            var planned: [String: Counts] = [:]
            let planDocument = try #require(
                try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
            for user in planDocument["users"] as? [[String: Any]] ?? [] {
                let folders = user["folders"] as? [[String: Any]] ?? []
                planned[user["source_user"] as? String ?? "?"] = Counts(
                    messages: folders.reduce(0) { $0 + ($1["messages_to_copy"] as? Int ?? 0) },
                    flags: folders.reduce(0) { $0 + ($1["flags_to_update"] as? Int ?? 0) },
                    keptDeleted: folders.reduce(0) { $0 + ($1["messages_kept_deleted"] as? Int ?? 0) })
            }
            var applied: [String: Counts] = [:]
            let applyDocument = try #require(
                try JSONSerialization.jsonObject(with: Data(apply.stdout.utf8)) as? [String: Any])
            for user in applyDocument["users"] as? [[String: Any]] ?? [] {
                let counts = user["counts"] as? [String: Any] ?? user
                applied[user["source_user"] as? String ?? "?"] = Counts(
                    messages: counts["messages_copied"] as? Int ?? -1, flags: counts["flags_updated"] as? Int ?? -1,
                    keptDeleted: counts["messages_kept_deleted"] as? Int ?? -1)
            }
            return (planned, applied)
        }

        /// Deletes `delete` message files from the user's INBOX and toggles \Flagged on the next
        /// `reflag`, renaming the files as a Maildir client would.
        static func mutate(_ server: DovecotServer, user: String, delete: Int, reflag: Int) throws {
            let cur = server.mailDirectory(for: user) + "/cur"
            let manager = FileManager.default
            let files = try manager.contentsOfDirectory(atPath: cur).sorted()
            for name in files.prefix(delete) { try manager.removeItem(atPath: cur + "/" + name) }
            for name in files.dropFirst(delete).prefix(reflag) {
                guard let info = name.range(of: ":2,") else { continue }
                var flags = Set(name[info.upperBound...])
                if flags.contains("F") { flags.remove("F") } else { flags.insert("F") }
                let renamed = String(name[..<info.upperBound]) + String(flags.sorted())
                try manager.moveItem(atPath: cur + "/" + name, toPath: cur + "/" + renamed)
            }
        }

        /// New mail in the user's INBOX (`new/`), owned by the mail user.
        static func deliver(_ server: DovecotServer, user: String, count: Int) throws {
            let new = server.mailDirectory(for: user) + "/new"
            for number in 1...count {
                let name = "\(1_900_000_000 + number).M\(number)P1.plan-apply"
                let path = new + "/" + name
                let text =
                    "Message-ID: <plan-apply-\(user)-\(number)@example.test>\r\nFrom: a@example.test\r\n"
                    + "Subject: new \(number)\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\nNew mail \(number).\r\n"
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                try FileManager.default.setAttributes(
                    [.ownerAccountID: server.mailUID, .groupOwnerAccountID: server.mailGID], ofItemAtPath: path)
            }
        }
    }
#endif
