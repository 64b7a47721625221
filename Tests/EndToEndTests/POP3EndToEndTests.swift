import Engine
import Foundation
import IMAP
import JobSpec
import Ledger
import MailStores
import MailferryCore
import Synchronization
import TestSupport
import Testing

/// POP3, POP3S and `auto` sources through the engine and the real stores, between two real Dovecots.
@Suite(.serialized) struct POP3EndToEndTests {
    static let sourceUsers = [("alice", "alice-pw"), ("carol", "carol-pw")]
    static let destinationUsers = [
        ("alice", "alice-pw"), ("carol", "carol-pw"), ("d1", "d1-pw"), ("d2", "d2-pw"), ("d3", "d3-pw"),
    ]

    /// A message seeded into the source INBOX and the INTERNALDATE its copy must get over POP3
    /// (nil: no usable date header, so the time of the run).
    struct Seed {
        var bytes: [UInt8]
        var expectedDate: IMAPDateTime?
        var sha256: String { SHA256Hasher.hexDigest(of: bytes) }
    }

    static func date(_ year: Int, _ month: Int, _ day: Int, _ time: (Int, Int, Int), _ zone: Int) -> IMAPDateTime {
        IMAPDateTime(
            year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2, zoneMinutes: zone)
    }

    static let received: String =
        "Return-Path: <a@old.example>\r\n"
        + "Received: from mx.old.example (mx.old.example [192.0.2.1])\r\n"
        + "\tby mail.old.example (Postfix) with ESMTPS id 4A1B2;\r\n"
        + "\tWed, 4 Jun 2008 08:00:01 +0200 (CEST)\r\n"
        + "Received: from client; Tue, 3 Jun 2008 23:59:00 -0700\r\n"
        + "Date: Tue, 3 Jun 2008 20:00:00 -0700\r\nMessage-ID: <one@old.example>\r\n"
        + "Subject: newest Received wins\r\n\r\nHello.\r\n.a dotted line\r\n"
    static let obsoleteZone: String =
        "Received: by old.example; Tue, 10 Feb 04 10:00:00 EST\r\n"
        + "From: b@old.example\r\nSubject: obsolete zone, no Message-ID\r\n\r\nBody\r\n"
    static let onlyDate: String =
        "Date: Sun, 7 Jul 2019 07:07:07 -0400\r\nMessage-ID: <three@old.example>\r\nSubject: only Date\r\n\r\nBody\r\n"
    /// Dovecot's RETR ends it with a CRLF that LIST does not count: the copy must not get it.
    static let unterminated: String =
        "Received: from x; 1 Mar 2021 12:00:00 +0000\r\nMessage-ID: <four@old.example>\r\n"
        + "Subject: no final newline\r\n\r\nno final newline"
    static let undated: String = "Message-ID: <five@old.example>\r\nSubject: no date at all\r\n\r\nBody\r\n"
    static let large: String =
        "Received: from y; Mon, 31 Dec 2012 23:59:59 +1100\r\nMessage-ID: <six@old.example>\r\nSubject: 300 KB\r\n\r\n"
        + String(repeating: String(repeating: "y", count: 998) + "\r\n", count: 300)

    static let inboxSeeds: [Seed] = [
        Seed(bytes: Array(received.utf8), expectedDate: date(2008, 6, 4, (8, 0, 1), 120)),
        Seed(bytes: Array(obsoleteZone.utf8), expectedDate: date(2004, 2, 10, (10, 0, 0), -300)),
        Seed(bytes: Array(onlyDate.utf8), expectedDate: date(2019, 7, 7, (7, 7, 7), -240)),
        Seed(bytes: Array(unterminated.utf8), expectedDate: date(2021, 3, 1, (12, 0, 0), 0)),
        Seed(bytes: Array(undated.utf8), expectedDate: nil),
        Seed(bytes: Array(large.utf8), expectedDate: date(2012, 12, 31, (23, 59, 59), 660)),
    ]

    struct Setup {
        var source: DovecotServer
        var destination: DovecotServer
        var directory: String

        func stop() async {
            await source.stop()
            await destination.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    func makeSetup() async throws -> Setup {
        let source = try await DovecotServer.start(.init(users: Self.sourceUsers, masterUser: ("admin", "admin-pw")))
        let destination = try await DovecotServer.start(
            .init(users: Self.destinationUsers, masterUser: ("admin", "admin-pw")))
        let directory = NSTemporaryDirectory() + "mf-pop3-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for seed in Self.inboxSeeds {
            try source.deliver(Data(seed.bytes), to: "alice")
        }
        // A genuine duplicate: the same bytes twice are two messages, both copied.
        try source.deliver(Data(Self.inboxSeeds[0].bytes), to: "alice")
        return Setup(source: source, destination: destination, directory: directory)
    }

    /// Writes and loads a job; `sourceBlock` is the YAML under `source:` after host.
    func job(_ setup: Setup, name: String, sourceBlock: String, users: String) throws -> Job {
        let yaml = """
            version: 1
            name: \(name)
            source:
              host: 127.0.0.1
            \(sourceBlock)
              tls: { ca_file: \(setup.source.caFile) }
              timeout: 20s
            destination:
              imap:
                host: 127.0.0.1
                port: \(setup.destination.imapsPort)
                security: tls
                tls: { ca_file: \(setup.destination.caFile) }
                admin: { user: admin, password: env:DEST_ADMIN_PASSWORD, style: separator, separator: "*" }
            users:
              file: \(name).csv
            options:
              concurrency: 2
              retries: 1
            """
        try yaml.write(toFile: "\(setup.directory)/\(name).yaml", atomically: true, encoding: .utf8)
        try users.write(toFile: "\(setup.directory)/\(name).csv", atomically: true, encoding: .utf8)
        chmod("\(setup.directory)/\(name).csv", 0o600)
        let loaded = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: "\(setup.directory)/\(name).yaml")
        return try #require(loaded.job, "job invalid: \(loaded.diagnostics.map(\.message))")
    }

    static let environment = ["DEST_ADMIN_PASSWORD": "admin-pw", "SOURCE_ADMIN_PASSWORD": "admin-pw"]

    func migrate(_ job: Job, ledger: Ledger, trace: (@Sendable (String) -> Void)? = nil) async throws -> [String:
        UserOutcome]
    {
        let factory = StoreFactory(job: job, environment: Self.environment, trace: trace)
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let outcomes = await ApplyRun(
            rules: job.folders, options: job.options, ledger: ledger, runID: run, retryDelay: .milliseconds(50)
        ) { factory.connector(for: $0) }.outcomes(job.accounts, concurrency: 1)
        try ledger.finishRun(run, finishedAt: Date(), outcome: .completed)
        return outcomes
    }

    func plan(_ job: Job) async throws -> UserPlan {
        let account = try #require(job.accounts.first)
        let factory = StoreFactory(job: job, environment: Self.environment)
        return await UserPlanner(rules: job.folders, options: job.options).plan(
            account: account, connector: factory.connector(for: account),
            expectedEndpoint: job.source.route.expectedEndpoints, candidates: job.source.route.candidates)
    }

    func snapshot(_ server: DovecotServer, _ user: String) async throws -> MailboxSnapshot {
        let password = Self.destinationUsers.first { $0.0 == user }?.1 ?? ""
        return try await MailboxSnapshot.read(
            host: server.host, port: server.imapsPort, caFile: server.caFile, user: user, password: password)
    }

    /// The destination INBOX holds every seed once (the duplicate twice), byte for byte, with the date
    /// from its headers.
    func expectInboxFromHeaders(_ inbox: [MailboxSnapshot.Message]?, runYear: Int) {
        let inbox = inbox ?? []
        #expect(inbox.count == Self.inboxSeeds.count + 1)
        for (index, seed) in Self.inboxSeeds.enumerated() {
            let copies = inbox.filter { $0.sha256 == seed.sha256 }
            #expect(copies.count == (index == 0 ? 2 : 1), "seed \(index): \(copies)")
            for copy in copies {
                #expect(copy.flags.isEmpty)
                if let expected = seed.expectedDate {
                    // Dovecot's Maildir keeps the instant (file mtime), not the zone: compare instants.
                    #expect(Self.instant(copy.internalDate) == Self.instant(expected.description), "seed \(index)")
                } else {
                    #expect(copy.internalDate.contains("-\(runYear) "), "seed \(index): the time of the run")
                }
            }
        }
    }

    /// Seconds since 1970 of an INTERNALDATE string such as `04-Jun-2008 08:00:01 +0200`.
    static func instant(_ wire: String) -> Int64? {
        guard let date = IMAPDateTime(wire), let day = CalendarDay(year: date.year, month: date.month, day: date.day)
        else { return nil }
        return InternalDate.startOfDay(day) + Int64(date.hour * 3600 + date.minute * 60 + date.second)
            - Int64(date.zoneMinutes * 60)
    }

    static var currentYear: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

    @Test(arguments: [("pop3", "user"), ("pop3s", "user"), ("pop3", "separator"), ("pop3s", "authzid")])
    func pop3SourceMigratesInboxOnceWithHeaderDates(protocolName: String, login: String) async throws {
        let setup = try await makeSetup()
        defer { Task { await setup.stop() } }
        let port = protocolName == "pop3s" ? setup.source.pop3sPort : setup.source.pop3Port
        let admin =
            login == "user"
            ? "" : "\n  admin: { user: admin, password: env:SOURCE_ADMIN_PASSWORD, style: \(login), separator: \"*\" }"
        let job = try job(
            setup, name: "\(protocolName)-\(login)",
            sourceBlock: "  protocol: \(protocolName)\n  ports: { \(protocolName): \(port) }\n"
                + "  starttls: required\(admin)",
            users: login == "user" ? "alice,alice-pw\n" : "alice,\n")
        let state = "\(setup.directory)/state-\(protocolName)"
        let ledger = try Ledger.open(directory: state)

        let first = try await migrate(job, ledger: ledger)
        #expect(first["alice"]?.state == .done, "\(String(describing: first["alice"]?.lastError))")
        #expect(first["alice"]?.counts.messagesCopied == Self.inboxSeeds.count + 1)
        let destination = try await snapshot(setup.destination, "alice")
        #expect(Array(destination.folders.keys) == ["INBOX"])
        expectInboxFromHeaders(destination.folders["INBOX"], runYear: Self.currentYear)
        // verify --deep over POP3 (TOP, never DELE): every copy there, equal to the byte.
        let verification = try await MailboxVerifier(rules: job.folders, options: job.options, deep: true)
            .verify(
                connector: StoreFactory(job: job, environment: Self.environment).connector(
                    for: try #require(job.accounts.first)))
        #expect(verification.isComplete, "\(verification.messages.filter { $0.status != .present })")
        #expect(verification.count(.present) == Self.inboxSeeds.count + 1)
        #expect(verification.messages.allSatisfy { $0.sourceDigest != nil && $0.sourceDigest == $0.destinationDigest })
        let shown = try await plan(job)
        #expect(shown.endpoint.inbox?.hasPrefix("\(protocolName)://127.0.0.1:\(port)") == true)
        #expect(shown.endpoint.folders == nil)
        #expect(!shown.hasChanges, "\(shown.folders)")

        // A re-run copies nothing, and so does one without the state directory: identity comes from headers.
        let second = try await migrate(job, ledger: ledger)
        #expect(second["alice"]?.counts.messagesCopied == 0)
        #expect(second["alice"]?.counts.messagesPresent == Self.inboxSeeds.count + 1)
        try FileManager.default.removeItem(atPath: state)
        let third = try await migrate(job, ledger: try Ledger.open(directory: state))
        #expect(third["alice"]?.state == .done)
        #expect(third["alice"]?.counts.messagesCopied == 0)
        #expect(try await snapshot(setup.destination, "alice") == destination)

        // Nothing was deleted from the source (never DELE) nor marked read (TOP, not RETR).
        let source = try await snapshot(setup.source, "alice")
        #expect(source.folders["INBOX"]?.count == Self.inboxSeeds.count + 1)
        #expect(source.folders["INBOX"]?.allSatisfy { $0.flags.isEmpty } == true)
    }

    /// Listed without headers (a first run into an empty INBOX: no `TOP n 0` pass), each message
    /// gets from its own copy the identity and date that a listing with headers gives, so that
    /// later runs pair it; a message over the in-memory spool limit included.
    @Test func aListingWithoutHeadersIsCompletedFromEachMessage() async throws {
        let setup = try await makeSetup()
        defer { Task { await setup.stop() } }
        let big =
            "Received: from z; Fri, 1 Feb 2013 10:00:00 +0100\r\nMessage-ID: <big@old.example>\r\n\r\n"
            + String(repeating: String(repeating: "z", count: 998) + "\r\n", count: 1_200)
        try setup.source.deliver(Data(big.utf8), to: "alice")
        let job = try job(
            setup, name: "unread", sourceBlock: "  protocol: pop3s\n  ports: { pop3s: \(setup.source.pop3sPort) }",
            users: "alice,alice-pw\n")
        let connector = StoreFactory(job: job, environment: Self.environment).connector(
            for: try #require(job.accounts.first))
        let source = try await connector.openSource()
        let headed = try await source.summaries(in: .inbox, identified: true)
        let bare = try await source.summaries(in: .inbox, identified: false)
        let delivered = try await source.withBodies(of: bare, in: .inbox) { bodies in
            var summaries: [MessageSummary] = []
            while let message = try await bodies.next() { summaries.append(message.summary) }
            return summaries
        }
        await source.close()

        #expect(headed.count == Self.inboxSeeds.count + 2)
        #expect(headed.contains { $0.size > 1_200_000 })
        #expect(bare.map(\.sourceKey) == headed.map(\.sourceKey))
        #expect(bare.allSatisfy { $0.identity.isUnread && !$0.internalDateKnown })
        #expect(delivered.map(\.sourceKey) == headed.map(\.sourceKey))
        for (got, expected) in zip(delivered, headed) {
            #expect(got.identity == expected.identity, "\(expected.sourceKey)")
            #expect(got.internalDate == expected.internalDate, "\(expected.sourceKey)")
            #expect(got.internalDateKnown == expected.internalDateKnown, "\(expected.sourceKey)")
            #expect(got.size == expected.size)
        }
        #expect(delivered.filter(\.internalDateKnown).count == Self.inboxSeeds.count + 1, "all but the undated")
    }

    /// POP3 has no UIDNEXT: a message deleted and another delivered keep the count, yet the derived
    /// state changes, so the unchanged-folder shortcut is not taken and the new message is copied.
    @Test func deleteAndDeliverBetweenRunsIsNoticed() async throws {
        let setup = try await makeSetup()
        defer { Task { await setup.stop() } }
        let job = try job(
            setup, name: "swap", sourceBlock: "  protocol: pop3s\n  ports: { pop3s: \(setup.source.pop3sPort) }",
            users: "alice,alice-pw\n")
        let ledger = try Ledger.open(directory: "\(setup.directory)/state")
        let first = try await migrate(job, ledger: ledger)
        #expect(first["alice"]?.counts.messagesCopied == Self.inboxSeeds.count + 1)

        // Delete the "no date at all" message from the source Maildir and deliver a new one.
        let maildir = setup.source.mailDirectory(for: "alice")
        var removed = 0
        for sub in ["new", "cur"] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(sub)")) ?? [] {
                let path = "\(maildir)/\(sub)/\(name)"
                if let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains("<five@old.example>") {
                    try FileManager.default.removeItem(atPath: path)
                    removed += 1
                }
            }
        }
        #expect(removed == 1)
        try setup.source.deliver(
            Data("Received: x; 9 Sep 2009 09:09:09 +0000\r\nMessage-ID: <seven@old.example>\r\n\r\nnew\r\n".utf8),
            to: "alice")

        // The state knows every other message by its UIDL: only the new one's header is read.
        let trace = Mutex<[String]>([])
        let second = try await migrate(job, ledger: ledger) { line in trace.withLock { $0.append(line) } }
        #expect(second["alice"]?.state == .done)
        #expect(second["alice"]?.counts.messagesCopied == 1)
        let headerReads = trace.withLock { $0 }.filter { $0.contains("C: TOP ") && $0.hasSuffix(" 0") }
        #expect(headerReads.count == 1, "\(headerReads)")
        let inbox = try await snapshot(setup.destination, "alice").folders["INBOX"] ?? []
        #expect(inbox.count == Self.inboxSeeds.count + 2, "the copy of the deleted message stays (never deletes)")
        #expect((try await migrate(job, ledger: ledger))["alice"]?.counts.messagesCopied == 0)
    }

    @Test func wrongPOP3PasswordFailsTheUserWithTheServersReason() async throws {
        let setup = try await makeSetup()
        defer { Task { await setup.stop() } }
        let job = try job(
            setup, name: "wrong",
            sourceBlock: "  protocol: pop3s\n  ports: { pop3s: \(setup.source.pop3sPort) }",
            users: "carol,not-carols-password\nalice,alice-pw\n")
        let outcomes = try await migrate(job, ledger: try Ledger.open(directory: "\(setup.directory)/state"))
        #expect(outcomes["carol"]?.state == .failed)
        #expect(outcomes["carol"]?.counts.messagesCopied == 0)
        let reason = try #require(outcomes["carol"]?.lastError)
        #expect(reason.contains("login failed at 127.0.0.1:\(setup.source.pop3sPort)"))
        #expect(reason.contains("[AUTH] Authentication failed"), "\(reason)")
        #expect(!reason.contains("not-carols-password"))
        #expect(outcomes["alice"]?.state == .done)
    }

    @Test func autoTakesInboxOverPOP3AndTheOtherFoldersOverIMAP() async throws {
        let setup = try await makeSetup()
        defer { Task { await setup.stop() } }
        let source = setup.source
        for number in 0..<3 {
            try source.deliver(
                Data("Received: x; 2 Feb 2002 02:02:02 +0000\r\nSubject: work \(number)\r\n\r\nwork\r\n".utf8),
                to: "alice", folder: "Work")
        }
        try source.deliver(Data("Subject: nested\r\n\r\nnested\r\n".utf8), to: "alice", folder: "Work/Deep")
        let sourceSnapshot = try await snapshot(source, "alice")
        #expect(sourceSnapshot.folders.keys.sorted() == ["INBOX", "Work", "Work/Deep"])

        func autoJob(_ name: String, imap: Bool, pop3: Bool, destinationUser: String) throws -> Job {
            // pop3s points at a closed port: the refused connection falls through to plain pop3 (STLS).
            let ports =
                "imap4: \(imap ? source.imapPort : 0), imap4s: \(imap ? source.imapsPort : 0), "
                + "pop3: \(pop3 ? source.pop3Port : 0), pop3s: \(pop3 ? 1 : 0)"
            return try job(
                setup, name: name, sourceBlock: "  protocol: auto\n  ports: { \(ports) }\n  starttls: required",
                users: "alice,alice-pw,\(destinationUser)\n")
        }
        let pop3Endpoint = "pop3://127.0.0.1:\(source.pop3Port) (starttls)"
        let imapEndpoint = "imap4s://127.0.0.1:\(source.imapsPort) (tls)"
        let ledger = try Ledger.open(directory: "\(setup.directory)/state")

        // Both: INBOX over POP3 (dates from Received), Work over IMAP (INTERNALDATE as on the source).
        let both = try autoJob("both", imap: true, pop3: true, destinationUser: "d1")
        let bothPlan = try await plan(both)
        #expect(bothPlan.endpoint == UserPlan.Endpoints(inbox: pop3Endpoint, folders: imapEndpoint))
        let first = try await migrate(both, ledger: ledger)
        #expect(first["alice"]?.state == .done, "\(String(describing: first["alice"]?.lastError))")
        #expect(first["alice"]?.counts.messagesCopied == sourceSnapshot.messageCount)
        let d1 = try await snapshot(setup.destination, "d1")
        expectInboxFromHeaders(d1.folders["INBOX"], runYear: Self.currentYear)
        #expect(d1.folders["Work"] == sourceSnapshot.folders["Work"])
        #expect(d1.folders["Work/Deep"] == sourceSnapshot.folders["Work/Deep"])
        // The IMAP INTERNALDATE of the delivered INBOX messages is the delivery time, not a header date.
        #expect(d1.folders["INBOX"] != sourceSnapshot.folders["INBOX"])
        #expect((try await migrate(both, ledger: ledger))["alice"]?.counts.messagesCopied == 0)
        // Reading over POP3 changed nothing on the source: no \Seen (bodies come by TOP, not RETR).
        #expect(try await snapshot(source, "alice") == sourceSnapshot)

        // POP3 ports at 0: everything over IMAP, INBOX with its IMAP INTERNALDATE.
        let imapOnly = try autoJob("imaponly", imap: true, pop3: false, destinationUser: "d2")
        #expect((try await plan(imapOnly)).endpoint == UserPlan.Endpoints(inbox: imapEndpoint, folders: imapEndpoint))
        let second = try await migrate(imapOnly, ledger: ledger)
        #expect(second["alice"]?.counts.messagesCopied == sourceSnapshot.messageCount)
        let d2 = try await snapshot(setup.destination, "d2")
        #expect(d2.folders == sourceSnapshot.folders)

        // Then POP3 onto what IMAP copied: every INBOX message is recognised (also the one whose RETR
        // differs from LIST by a CRLF), nothing is copied twice.
        let popOntoIMAP = try autoJob("poponto", imap: true, pop3: true, destinationUser: "d2")
        let third = try await migrate(popOntoIMAP, ledger: ledger)
        #expect(third["alice"]?.state == .done)
        #expect(third["alice"]?.counts.messagesCopied == 0)
        #expect(third["alice"]?.counts.messagesPresent == sourceSnapshot.messageCount)
        #expect(try await snapshot(setup.destination, "d2") == d2)

        // IMAP ports at 0: only INBOX moves.
        let popOnly = try autoJob("poponly", imap: false, pop3: true, destinationUser: "d3")
        #expect((try await plan(popOnly)).endpoint == UserPlan.Endpoints(inbox: pop3Endpoint, folders: nil))
        let fourth = try await migrate(popOnly, ledger: ledger)
        #expect(fourth["alice"]?.state == .done)
        #expect(fourth["alice"]?.counts.messagesCopied == Self.inboxSeeds.count + 1)
        let d3 = try await snapshot(setup.destination, "d3")
        #expect(Array(d3.folders.keys) == ["INBOX"])
        expectInboxFromHeaders(d3.folders["INBOX"], runYear: Self.currentYear)
    }
}
