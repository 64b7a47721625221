#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// Weeks of re-runs before the MX switch, against real Dovecot servers: between applies the user
    /// works on the new server (deletes, moves, flags) while the old one gets new mail, flag changes
    /// and a renamed folder. Every message is read back by a client that shares no code with
    /// mailferry (scripts/mailtools/imap-user.py) and compared by SHA-256 of its bytes.
    @Suite(.serialized) struct CutoverEndToEndTests {
        static let users = [
            ("alice", "Cutover-alice-pw-1"), ("bob", "Cutover-bob-pw-2"), ("carol", "Cutover-carol-pw-3"),
        ]
        static let admin = ("admin", "Cutover-admin-pw-0")
        typealias Mailbox = [String: [MailTools.ListedMessage]]

        struct Servers {
            var source: DovecotServer
            var destination: DovecotServer
            var fixture: JobFixture
            var binary: MailferryBinary
            let environment = [JobFixture.adminVariable: CutoverEndToEndTests.admin.1]

            // Each runs a child process, off the cooperative pool (see offCooperativePool).
            func apply(_ extra: [String] = []) async throws -> MailferryBinary.Outcome {
                try await run(["apply"] + extra + [fixture.jobPath])
            }

            func plan(_ extra: [String] = []) async throws -> MailferryBinary.Outcome {
                try await run(["plan"] + extra + [fixture.jobPath])
            }

            func run(_ arguments: [String]) async throws -> MailferryBinary.Outcome {
                try await binary.run(arguments, environment: environment)
            }

            func list(_ server: DovecotServer, _ user: String) async throws -> Mailbox {
                try await offCooperativePool {
                    try MailTools.listMailbox(server, user: user, password: CutoverEndToEndTests.password(user))
                }
            }

            func act(_ server: DovecotServer, _ user: String, _ arguments: [String]) async throws {
                _ = try await offCooperativePool {
                    try MailTools.actAsUser(
                        server, user: user, password: CutoverEndToEndTests.password(user), arguments)
                }
            }
        }

        static func password(_ user: String) -> String { users.first { $0.0 == user }?.1 ?? "" }

        func withServers(
            options: String = "", destinationMultiappend: Bool = true, _ body: (Servers) async throws -> Void
        ) async throws {
            let source = try await DovecotServer.start(.init(users: Self.users, masterUser: Self.admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: Self.users, masterUser: Self.admin, pop3: false, multiappend: destinationMultiappend))
            let job =
                CrashResumeEndToEndTests.job(source: source, destination: destination)
                .replacingOccurrences(of: "name: crash-resume", with: "name: cutover") + options
            let fixture = try JobFixture(job: job, users: Self.users.map { "\($0.0),\($0.1)\n" }.joined())
            do {
                try await body(
                    Servers(
                        source: source, destination: destination, fixture: fixture, binary: try MailferryBinary.locate()
                    ))
            } catch {
                fixture.remove()
                await source.stop()
                await destination.stop()
                throw error
            }
            fixture.remove()
            await source.stop()
            await destination.stop()
        }

        static func message(_ number: Int, user: String) -> Data {
            Data(
                ("Message-ID: <cutover-\(user)-\(number)@example.test>\r\nFrom: a@example.test\r\nSubject: new \(number)"
                    + "\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\nArrived after the first sync.\r\n").utf8)
        }

        static func count(_ sha: String, in mailbox: Mailbox) -> Int {
            mailbox.values.reduce(0) { $0 + $1.filter { $0.sha == sha }.count }
        }

        static func flags(_ sha: String, in folder: String, of mailbox: Mailbox) -> Set<String>? {
            mailbox[folder]?.first { $0.sha == sha }.map { Set($0.flags) }
        }

        /// Per folder, no message more often than the source has it there (`extra` folders excepted).
        static func duplicates(_ destination: Mailbox, comparedWith source: Mailbox) -> [String] {
            var found: [String] = []
            for (folder, messages) in destination {
                var counts: [String: Int] = [:]
                for message in messages { counts[message.sha, default: 0] += 1 }
                for (sha, count) in counts where count > max(1, source[folder]?.filter { $0.sha == sha }.count ?? 0) {
                    found.append("\(folder): \(sha.prefix(12)) x\(count)")
                }
            }
            return found
        }

        @Test func reRunsKeepWhatTheUserDidAndBringWhatTheSourceGot() async throws {
            try await withServers { servers in
                try await offCooperativePool { try MailTools.seed(servers.source, user: "alice", seed: 71) }
                let first = try await servers.apply(["--user", "alice"])
                #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
                let copied = try await servers.list(servers.destination, "alice")
                let inbox = try #require(copied["INBOX"]).filter { !$0.flags.contains("\\Deleted") }
                #expect(inbox.count >= 12)
                let deleted = inbox[0..<3].map(\.sha)
                let moved = inbox[3].sha
                let readByUser = inbox.first {
                    !$0.flags.contains("\\Seen") && !deleted.contains($0.sha) && $0.sha != moved
                }
                let tagged = inbox[5].sha
                let flaggedOnSource = inbox[6].sha
                let unreadOnSource = inbox.last { $0.flags.contains("\\Seen") }?.sha

                // On the new server the user deletes three messages, moves one, reads one, tags one.
                try await servers.act(servers.destination, "alice", ["delete", "INBOX"] + deleted)
                try await servers.act(servers.destination, "alice", ["move", "INBOX", "Work", moved])
                if let readByUser {
                    try await servers.act(servers.destination, "alice", ["flags", "INBOX", readByUser.sha, "+\\Seen"])
                }
                try await servers.act(servers.destination, "alice", ["flags", "INBOX", tagged, "+$UserTag"])
                // On the old server: new mail, a flag set, one marked unread, a folder renamed.
                try servers.source.deliver(Self.message(1, user: "alice"), to: "alice")
                try servers.source.deliver(Self.message(2, user: "alice"), to: "alice")
                try await servers.act(servers.source, "alice", ["flags", "INBOX", flaggedOnSource, "+\\Flagged"])
                if let unreadOnSource {
                    try await servers.act(servers.source, "alice", ["flags", "INBOX", unreadOnSource, "-\\Seen"])
                }
                try await servers.act(servers.source, "alice", ["rename", "Lists/dev-announce", "Lists/announce"])
                let sourceNow = try await servers.list(servers.source, "alice")

                let plan = try await servers.plan(["--user", "alice", "--format", "json"])
                #expect(plan.status == 0, "\(plan.stderr)")
                #expect(
                    plan.stdout.contains("\"sync_baseline\":true") || plan.stdout.contains("\"sync_baseline\" : true"))
                let planned = try #require(
                    try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
                let rows = ((planned["users"] as? [[String: Any]])?.first?["folders"] as? [[String: Any]]) ?? []
                let renamedRow = try #require(rows.first { $0["source"] as? String == "Lists/announce" })
                #expect(renamedRow["action"] as? String == "update")
                #expect(renamedRow["messages_to_copy"] as? Int == 0, "the plan follows the rename too")
                #expect(
                    (renamedRow["reason"] as? String)?.contains("renamed on the source: Lists/dev-announce") == true)
                let inboxRow = try #require(rows.first { $0["source"] as? String == "INBOX" })
                #expect(inboxRow["messages_kept_deleted"] as? Int == 4)
                #expect(inboxRow["messages_to_copy"] as? Int == 2)
                let second = try await servers.apply(["--user", "alice"])
                #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
                let after = try await servers.list(servers.destination, "alice")

                for sha in deleted { #expect(Self.count(sha, in: after) == 0, "a deleted message came back") }
                #expect(Self.count(moved, in: after) == 1)
                #expect(after["Work"]?.contains { $0.sha == moved } == true)
                if let readByUser {
                    #expect(Self.flags(readByUser.sha, in: "INBOX", of: after)?.contains("\\Seen") == true)
                }
                #expect(Self.flags(tagged, in: "INBOX", of: after)?.contains("$UserTag") == true)
                #expect(Self.flags(flaggedOnSource, in: "INBOX", of: after)?.contains("\\Flagged") == true)
                if let unreadOnSource {
                    #expect(Self.flags(unreadOnSource, in: "INBOX", of: after)?.contains("\\Seen") == false)
                }
                for number in 1...2 {
                    let sha = try #require(
                        sourceNow["INBOX"]?.first { message in
                            copied.values.allSatisfy { !$0.contains { $0.sha == message.sha } }
                                && Self.count(message.sha, in: sourceNow) == 1
                        }?.sha, "new message \(number)")
                    #expect(Self.count(sha, in: after) == 1)
                }
                #expect(after["Lists/dev-announce"] == nil, "renamed on the destination, not copied again")
                #expect(after["Lists/announce"]?.count == sourceNow["Lists/announce"]?.count)
                #expect(
                    Self.duplicates(after, comparedWith: sourceNow).isEmpty,
                    "\(Self.duplicates(after, comparedWith: sourceNow))")

                // The completeness proof knows what the user deleted and moved: not missing, not extra.
                // (New mail delivered on the source after the second apply would be missing: none is.)
                let verify = try await servers.run([
                    "verify", "--user", "alice", "--format", "json", servers.fixture.jobPath,
                ])
                #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
                let proof = try #require(
                    try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
                let counts = ((proof["users"] as? [[String: Any]])?.first?["counts"] as? [String: Int]) ?? [:]
                #expect(counts["deleted_on_destination"] == 4 && counts["moved_on_destination"] == 1, "\(counts)")
                #expect(counts["missing"] == 0 && counts["extra"] == 0 && counts["different"] == 0, "\(counts)")

                // A third pass has nothing to do; the plan says what stays deleted.
                let quiet = try await servers.plan(["--user", "alice", "--detailed-exitcode"])
                #expect(quiet.status == 0, "\(quiet.stdout)")
                #expect(
                    quiet.stdout.contains("4 deleted on the destination since the last sync (kept deleted)"),
                    "\(quiet.stdout)")

                // The state directory lost: nothing is duplicated, and the plan says what it cannot know.
                try FileManager.default.removeItem(atPath: servers.fixture.path(".mailferry/cutover"))
                let blind = try await servers.plan(["--user", "alice"])
                #expect(
                    blind.stdout.contains(
                        "sync state  none: flags taken from the source, deletions on the destination cannot be seen"),
                    "\(blind.stdout)")
                let third = try await servers.apply(["--user", "alice"])
                #expect(third.status == 0, "\(third.stdout)\(third.stderr)")
                let blindAfter = try await servers.list(servers.destination, "alice")
                #expect(
                    Self.duplicates(blindAfter, comparedWith: sourceNow).isEmpty,
                    "\(Self.duplicates(blindAfter, comparedWith: sourceNow))")
            }
        }

        @Test func mirrorFollowsSourceDeletionsWithinTheGuard() async throws {
            try await withServers(options: "  deletions: mirror\n") { servers in
                try await offCooperativePool { try MailTools.seed(servers.source, user: "bob", seed: 72) }
                #expect(try await servers.apply(["--user", "bob"]).status == 0)
                let sourceInbox = try #require(try await servers.list(servers.source, "bob")["INBOX"])
                let gone = sourceInbox[0..<2].map(\.sha)
                try await servers.act(servers.source, "bob", ["delete", "INBOX"] + gone)
                // Mail the user keeps on the new server only is never touched.
                try servers.destination.deliver(Self.message(9, user: "bob"), to: "bob")

                let plan = try await servers.plan(["--user", "bob"])
                #expect(plan.stdout.contains("x INBOX -> INBOX"), "\(plan.stdout)")
                #expect(plan.stdout.contains("2 to delete (gone from the source)"), "\(plan.stdout)")
                let mirrored = try await servers.apply(["--user", "bob"])
                #expect(mirrored.status == 0, "\(mirrored.stdout)\(mirrored.stderr)")
                var after = try await servers.list(servers.destination, "bob")
                for sha in gone { #expect(Self.count(sha, in: after) == 0) }
                #expect(after["INBOX"]?.count == sourceInbox.count - 2 + 1)

                // The source shows a folder empty: the guard refuses to empty it on the destination.
                let work = try #require(after["Work"])
                try await servers.act(servers.source, "bob", ["delete", "Work"] + work.map(\.sha))
                let refused = try await servers.apply(["--user", "bob"])
                #expect(refused.status == 3)
                let logs = try await servers.run(["logs", servers.fixture.jobPath, "bob"])
                #expect(logs.stdout.contains("mass-delete guard"), "\(logs.stdout)")
                after = try await servers.list(servers.destination, "bob")
                #expect(after["Work"]?.count == work.count)
                let allowed = try await servers.apply(["--user", "bob", "--allow-mass-delete"])
                #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
                #expect(try await servers.list(servers.destination, "bob")["Work"]?.isEmpty == true)
            }
        }

        @Test func watchBringsNewMailUntilSIGTERM() async throws {
            try await withServers { servers in
                try await offCooperativePool { try MailTools.seed(servers.source, user: "carol", seed: 73) }
                let process = Process()
                process.executableURL = servers.binary.url
                process.arguments = ["apply", "--watch", "0.5", "--user", "carol", servers.fixture.jobPath]
                process.environment = ProcessInfo.processInfo.environment.merging(servers.environment) { _, new in new }
                process.standardOutput = FileHandle.nullDevice
                let errors = Pipe()
                process.standardError = errors
                try process.run()
                defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

                // Once the first pass copied everything, a message delivered to the source arrives.
                let seeded = try await servers.list(servers.source, "carol").values.reduce(0) { $0 + $1.count }
                func total() async throws -> Int {
                    try await servers.list(servers.destination, "carol").values.reduce(0) { $0 + $1.count }
                }
                var deadline = Date().addingTimeInterval(120)
                while try await total() < seeded, Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
                #expect(try await total() == seeded)
                try servers.source.deliver(Self.message(1, user: "carol"), to: "carol")
                deadline = Date().addingTimeInterval(60)
                while try await total() < seeded + 1, Date() < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(try await total() == seeded + 1, "the delivered message arrives on a later pass")

                kill(process.processIdentifier, SIGTERM)
                let (stderr, end) = try await offCooperativePool {
                    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    return (text, process.waitForEnd())
                }
                #expect(end == .exited(0), "\(stderr)")
                #expect(stderr.contains("SIGTERM: stopping the watch"), "\(stderr)")
                #expect(stderr.contains("watch pass 2"), "\(stderr)")
                let status = try await servers.run(["status", "--format", "json", servers.fixture.jobPath])
                let document = try #require(
                    try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
                let users = try #require(document["users"] as? [[String: Any]])
                #expect(users.first { $0["source_user"] as? String == "carol" }?["state"] as? String == "done")
                #expect(document["run_in_progress"] is NSNull)
            }
        }

        /// How many UIDs the `UID FETCH` commands sent to `port` asked header fields for, from a
        /// `--verbose` trace (each set expanded: "5:7,9" is 4).
        static func headerFieldsRequested(_ trace: String, port: Int) -> Int {
            trace.split(separator: "\n").reduce(0) { total, line in
                guard line.hasPrefix("trace: 127.0.0.1:\(port) C: "), line.contains("HEADER.FIELDS"),
                    let range = line.range(of: "UID FETCH ")
                else { return total }
                let set = line[range.upperBound...].prefix { $0 != " " }
                return total
                    + set.split(separator: ",").reduce(0) { count, part in
                        let bounds = part.split(separator: ":").compactMap { Int($0) }
                        return count + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1)
                    }
            }
        }

        /// With MULTIAPPEND and with one APPEND per message (as Gmail and Exchange take them).
        @Test(arguments: [true, false])
        func reRunsReadHeadersOnlyOfMailTheStateDoesNotKnow(multiappend: Bool) async throws {
            try await withServers(destinationMultiappend: multiappend) { servers in
                let (source, destination) = (servers.source, servers.destination)
                try await offCooperativePool { try MailTools.seed(source, user: "bob", seed: 72) }
                #expect(try await servers.apply(["--user", "bob"]).status == 0)

                // The first copy read no header, yet learnt every identity from the bytes it copied:
                // the next run reads the header of the one new message only.
                try source.deliver(Self.message(1, user: "bob"), to: "bob")
                let second = try await servers.apply(["--user", "bob", "--verbose"])
                #expect(second.stderr.contains("bob -> bob: done, 1 copied"), "\(second.stderr)")
                #expect(Self.headerFieldsRequested(second.stderr, port: source.imapsPort) == 1)
                #expect(Self.headerFieldsRequested(second.stderr, port: destination.imapsPort) == 0)

                // New mail on the old server; one of the messages also reached the new one (dual delivery).
                try source.deliver(Self.message(2, user: "bob"), to: "bob")
                try source.deliver(Self.message(3, user: "bob"), to: "bob")
                try destination.deliver(Self.message(3, user: "bob"), to: "bob")
                let third = try await servers.apply(["--user", "bob", "--verbose"])
                #expect(third.status == 0, "\(third.stdout)\(third.stderr)")
                #expect(third.stderr.contains("bob -> bob: done, 1 copied"), "\(third.stderr)")
                #expect(Self.headerFieldsRequested(third.stderr, port: source.imapsPort) == 2)
                #expect(Self.headerFieldsRequested(third.stderr, port: destination.imapsPort) == 1)

                // The old server renumbers INBOX (its UID list lost): every source message is read again
                // and meets the identity learnt from its copy's bytes. Nothing is copied twice.
                let inbox = "\(source.directory)/mail/bob/Maildir"
                for file in try FileManager.default.contentsOfDirectory(atPath: inbox)
                where file.hasPrefix("dovecot-uidlist") || file.hasPrefix("dovecot.index") {
                    try FileManager.default.removeItem(atPath: "\(inbox)/\(file)")
                }
                let renumbered = try await servers.apply(["--user", "bob", "--verbose"])
                #expect(renumbered.stderr.contains("bob -> bob: done, 0 copied"), "\(renumbered.stderr)")
                #expect(Self.headerFieldsRequested(renumbered.stderr, port: source.imapsPort) > 0)

                let sourceNow = try await servers.list(source, "bob")
                let copied = try await servers.list(destination, "bob")
                #expect(Self.duplicates(copied, comparedWith: sourceNow).isEmpty)
                for (folder, messages) in sourceNow {
                    #expect(
                        Set(messages.map(\.sha)) == Set((copied[folder] ?? []).map(\.sha)), "\(folder) differs")
                }
            }
        }
    }
#endif
