import Engine
import Foundation
import JobSpec
import Ledger
import MailStores
import MailferryCore
import TestSupport
import Testing

/// OAuth2 sign-in through the engine and the real stores, between two Dovecots that accept only
/// XOAUTH2/OAUTHBEARER with tokens from a real token service (scripts/oauth2-token-service) and refuse
/// passwords. Tokens live seconds, so renewal happens during the runs.
@Suite(.serialized) struct OAuth2EndToEndTests {
    static let users = ["alice", "bob", "carol"]
    static let clientSecret = "cc-Secret~Value.19"
    static let serviceAccount = "migrator@mailferry-test.iam.gserviceaccount.com"

    struct Setup {
        var service: OAuth2TokenService
        var source: DovecotServer
        var destination: DovecotServer
        var directory: String
        var keyFile: String

        func stop() async {
            await source.stop()
            await destination.stop()
            service.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// Tokens that never expire, valid for `users` on both servers (static tokens, token commands, checks).
        func allow(_ token: String, for users: [String]) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: service.tokensFile))
            handle.seekToEndOfFile()
            handle.write(
                Data(
                    users.map { "\(token.replacingOccurrences(of: "{user}", with: $0)) \($0) 4102444800\n" }.joined()
                        .utf8))
            try handle.close()
        }
    }

    /// `lifetime`-second tokens for `mailboxes` (default: every user); `messages` per user in INBOX and
    /// in Archive.
    func makeSetup(lifetime: Int = 3, mailboxes: [String] = OAuth2EndToEndTests.users, messages: Int = 12) async throws
        -> Setup
    {
        _ = try await OAuth2TokenService.ensureTestCertificate()
        let directory = NSTemporaryDirectory() + "mf-oauth2-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = try await OAuth2TokenService.makeServiceAccountKey(
            in: directory, email: Self.serviceAccount, tokenURI: "https://oauth2.googleapis.com/token")
        let service = try await OAuth2TokenService.start(
            .init(
                lifetime: lifetime, clients: [("mailferry-app", Self.clientSecret)],
                serviceAccounts: [(Self.serviceAccount, key.publicKeyFile)], mailboxes: mailboxes))
        let serverUsers = (Self.users + ["zoe"]).map { ($0, "unused-password") }
        let source = try await DovecotServer.start(.init(users: serverUsers, oauth2TokensFile: service.tokensFile))
        let destination = try await DovecotServer.start(
            .init(users: serverUsers, pop3: false, oauth2TokensFile: service.tokensFile))
        for user in Self.users + ["zoe"] {
            for number in 1...messages {
                try source.deliver(Self.message(number, user: user), to: user)
                try source.deliver(Self.message(number + 1000, user: user), to: user, folder: "Archive")
            }
        }
        return Setup(
            service: service, source: source, destination: destination, directory: directory, keyFile: key.keyFile)
    }

    func withSetup(
        lifetime: Int = 3, mailboxes: [String] = OAuth2EndToEndTests.users, messages: Int = 12,
        _ body: (Setup) async throws -> Void
    )
        async throws
    {
        let setup = try await makeSetup(lifetime: lifetime, mailboxes: mailboxes, messages: messages)
        do {
            try await body(setup)
            await setup.stop()
        } catch {
            await setup.stop()
            throw error
        }
    }

    static func message(_ number: Int, user: String) -> Data {
        let body = String(repeating: "line \(number) of a message for \(user)\r\n", count: 20 + number % 50)
        return Data(
            "From: sender@old.example\r\nTo: \(user)@old.example\r\nSubject: oauth2 \(number)\r\n"
                .appending("Message-ID: <oauth2-\(user)-\(number)@old.example>\r\n")
                .appending("Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\n\(body)").utf8)
    }

    /// Writes and loads a job whose sides sign in with the given `auth:` blocks (YAML under `oauth2:`).
    func job(
        _ setup: Setup, name: String, sourceOAuth2: String, destinationOAuth2: String,
        sourceProtocol: String = "protocol: imap4s\n  ports: { imap4s: %IMAPS% }", sourcePort: Int? = nil,
        destinationPort: Int? = nil, users: [String] = OAuth2EndToEndTests.users,
        options: String = "concurrency: 3\n  retries: 1"
    ) throws -> Job {
        let protocolBlock =
            sourceProtocol
            .replacingOccurrences(of: "%IMAPS%", with: String(sourcePort ?? setup.source.imapsPort))
            .replacingOccurrences(of: "%POP3S%", with: String(setup.source.pop3sPort))
        let yaml = """
            version: 1
            name: \(name)
            source:
              host: 127.0.0.1
              \(protocolBlock)
              tls: { ca_file: \(setup.source.caFile) }
              timeout: 3s
              auth:
                oauth2:
            \(Self.indent(sourceOAuth2, by: 6))
            destination:
              imap:
                host: 127.0.0.1
                port: \(destinationPort ?? setup.destination.imapsPort)
                security: tls
                tls: { ca_file: \(setup.destination.caFile) }
                timeout: 3s
                auth:
                  oauth2:
            \(Self.indent(destinationOAuth2, by: 8))
            users:
              file: \(name).csv
            options:
              \(options)
            """
        try yaml.write(toFile: "\(setup.directory)/\(name).yaml", atomically: true, encoding: .utf8)
        // OAuth2 on both sides: no password in the users file at all.
        let csv = users.map { "\($0),\n" }.joined()
        try csv.write(toFile: "\(setup.directory)/\(name).csv", atomically: true, encoding: .utf8)
        chmod("\(setup.directory)/\(name).csv", 0o600)
        let loaded = JobLoader(environment: ["PATH": "/usr/bin:/bin"], gitTrackedCheck: { _ in false })
            .load(jobFile: "\(setup.directory)/\(name).yaml")
        return try #require(loaded.job, "job invalid: \(loaded.diagnostics.map(\.message))")
    }

    static func indent(_ text: String, by spaces: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
    }

    /// One run over every user, all at once; with `pause`, one user after another with that pause
    /// before each next one (the run then outlives short-lived tokens however fast the copy is).
    func migrate(_ job: Job, environment: [String: String] = [:], pause: Duration? = nil) async throws
        -> [String: UserOutcome]
    {
        let ledger = try Ledger.open(directory: "\((job.file as NSString).deletingLastPathComponent)/state-\(job.name)")
        let factory = StoreFactory(job: job, environment: environment)
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        @Sendable func migrateOne(_ account: Account) async -> (String, UserOutcome) {
            let outcomes = await ApplyRun(
                rules: job.folders, options: job.options, ledger: ledger, runID: run, retryDelay: .milliseconds(50)
            ) { factory.connector(for: $0) }.outcomes([account], concurrency: 1)
            return (
                account.sourceUser,
                outcomes[account.sourceUser]
                    ?? UserOutcome(state: .failed, counts: UserCounts(), lastError: "no outcome")
            )
        }
        var outcomes: [String: UserOutcome] = [:]
        if let pause {
            for (index, account) in job.accounts.enumerated() {
                if index > 0 { try await Task.sleep(for: pause) }
                let (user, outcome) = await migrateOne(account)
                outcomes[user] = outcome
            }
        } else {
            outcomes = await withTaskGroup(of: (String, UserOutcome).self) { group in
                for account in job.accounts { group.addTask { await migrateOne(account) } }
                return await group.reduce(into: [String: UserOutcome]()) { $0[$1.0] = $1.1 }
            }
        }
        try ledger.finishRun(run, finishedAt: Date(), outcome: .completed)
        return outcomes
    }

    /// Every folder of `user` on the destination holds exactly what the source holds (bytes, flags, dates).
    /// - Parameters:
    ///   - inboxOnly: INBOX came over POP3 (bytes compared); `popOnly`: nothing else was copied.
    func expectExactCopy(
        _ setup: Setup, _ user: String, inboxOnly: Bool = false, popOnly: Bool = false,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    )
        async throws
    {
        try setup.allow("check-{user}", for: [user])
        let source = try await MailboxSnapshot.read(
            host: setup.source.host, port: setup.source.imapsPort, caFile: setup.source.caFile, user: user,
            password: "",
            bearerToken: "check-\(user)")
        let destination = try await MailboxSnapshot.read(
            host: setup.destination.host, port: setup.destination.imapsPort, caFile: setup.destination.caFile,
            user: user,
            password: "", bearerToken: "check-\(user)")
        if inboxOnly {
            // Over POP3 the date comes from the headers and there are no flags: compare the bytes.
            let bytes = { (snapshot: MailboxSnapshot, folder: String) in
                (snapshot.folders[folder] ?? []).map(\.sha256).sorted()
            }
            #expect(bytes(destination, "INBOX") == bytes(source, "INBOX"), sourceLocation: sourceLocation)
            #expect(destination.folders["INBOX"]?.isEmpty == false, sourceLocation: sourceLocation)
            var others = destination.folders
            others["INBOX"] = nil
            var sourceOthers = source.folders
            sourceOthers["INBOX"] = nil
            if !popOnly { #expect(others == sourceOthers, sourceLocation: sourceLocation) }
        } else {
            #expect(
                destination.folders == source.folders, "\(user): \(destination) vs \(source)",
                sourceLocation: sourceLocation)
            #expect(source.messageCount > 0, sourceLocation: sourceLocation)
        }
    }

    static var clientCredentialsYAML: (OAuth2TokenService) -> String {
        { service in
            """
            client_credentials:
              client_id: mailferry-app
              client_secret: env:MF_CLIENT_SECRET
              token_url: \(service.tokenURL)
            """
        }
    }

    @Test func staticTokensOnBothSides() async throws {
        try await withSetup { setup in
            try setup.allow("static-source-token", for: Self.users)
            try setup.allow("static-destination-token", for: Self.users)
            try "static-destination-token\n".write(
                toFile: "\(setup.directory)/destination.token", atomically: true, encoding: .utf8)
            let job = try job(
                setup, name: "static", sourceOAuth2: "mechanism: oauthbearer\ntoken: env:MF_SOURCE_TOKEN",
                destinationOAuth2: "mechanism: xoauth2\ntoken: file:destination.token")
            let outcomes = try await migrate(job, environment: ["MF_SOURCE_TOKEN": "static-source-token"])
            for user in Self.users {
                #expect(outcomes[user]?.state == .done, "\(user): \(outcomes[user]?.lastError ?? "")")
                try await expectExactCopy(setup, user)
            }
        }
    }

    @Test func tokenCommandsOnBothSides() async throws {
        try await withSetup { setup in
            try setup.allow("cmd-{user}", for: Self.users)
            let script = "\(setup.directory)/get-token"
            try "#!/bin/sh\necho \"debug: asked for $1\" >&2\nprintf 'cmd-%s\\n' \"$1\"\n"
                .write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            let job = try job(
                setup, name: "command", sourceOAuth2: "token_command: [./get-token, \"{user}\"]",
                destinationOAuth2: "token_command: [\(script), \"{user}\"]")
            let outcomes = try await migrate(job, environment: ["PATH": "/usr/bin:/bin"])
            for user in Self.users {
                #expect(outcomes[user]?.state == .done, "\(user): \(outcomes[user]?.lastError ?? "")")
                try await expectExactCopy(setup, user)
            }
        }
    }

    /// Five-second tokens, one user after another with a token lifetime between them, and a fault proxy
    /// that cuts, stalls (until the 3 s timeout) and delays most destination connections: the run
    /// outlives several token lifetimes, each side renews its one job-wide token as it goes, every
    /// reconnection signs in again with a valid token, and every user ends exactly copied.
    @Test func clientCredentialsOutliveSeveralTokenLifetimes() async throws {
        try await withSetup(lifetime: 5, messages: 25) { setup in
            let proxy = try FaultProxy.start(
                targetPort: setup.destination.imapsPort,
                configuration: .init(
                    seed: 19, faultPercent: 60, minFaultOffset: 256, maxFaultOffset: 256 << 10,
                    maxDelay: .milliseconds(200),
                    stallLimit: .seconds(10)))
            defer { proxy.stop() }
            let job = try job(
                setup, name: "renewal", sourceOAuth2: Self.clientCredentialsYAML(setup.service),
                destinationOAuth2: Self.clientCredentialsYAML(setup.service), destinationPort: proxy.port,
                options: "concurrency: 2\n  retries: 20")
            let outcomes = try await migrate(
                job, environment: ["MF_CLIENT_SECRET": Self.clientSecret], pause: .milliseconds(5100))
            for user in Self.users {
                #expect(outcomes[user]?.state == .done, "\(user): \(outcomes[user]?.lastError ?? "")")
                try await expectExactCopy(setup, user)
            }
            // Each side's token expired before each next user, so it was renewed along the way (at least
            // once per user and side; more when a user's own copy outlived a token).
            let requests = setup.service.requestCounts()["client_credentials"] ?? 0
            #expect(requests >= 2 * Self.users.count, "\(requests) token requests")
        }
    }

    @Test func serviceAccountTokensPerMailboxAndAMailboxNotPermitted() async throws {
        try await withSetup(mailboxes: Self.users) { setup in
            let serviceAccount = """
                service_account:
                  key_file: \(setup.keyFile)
                  token_url: \(setup.service.tokenURL)
                """
            let job = try job(
                setup, name: "delegation", sourceOAuth2: serviceAccount, destinationOAuth2: serviceAccount,
                users: Self.users + ["zoe"])
            let outcomes = try await migrate(job)
            for user in Self.users {
                #expect(outcomes[user]?.state == .done, "\(user): \(outcomes[user]?.lastError ?? "")")
                try await expectExactCopy(setup, user)
            }
            #expect(outcomes["zoe"]?.state == .failed)
            #expect(
                outcomes["zoe"]?.lastError?.hasPrefix("OAuth2 mailbox not permitted: no token for zoe") == true,
                "\(outcomes["zoe"]?.lastError ?? "")")
        }
    }

    @Test func aWrongClientSecretFailsEveryUserAfterOneTokenRequest() async throws {
        try await withSetup { setup in
            try setup.allow("static-destination-token", for: Self.users)
            let job = try job(
                setup, name: "wrong-secret", sourceOAuth2: Self.clientCredentialsYAML(setup.service),
                destinationOAuth2: "token: env:MF_DESTINATION_TOKEN", options: "concurrency: 3\n  retries: 3")
            let outcomes = try await migrate(
                job,
                environment: ["MF_CLIENT_SECRET": "not-the-secret", "MF_DESTINATION_TOKEN": "static-destination-token"])
            for user in Self.users {
                #expect(outcomes[user]?.state == .failed)
                let error = outcomes[user]?.lastError ?? ""
                #expect(error.hasPrefix("OAuth2 client rejected (invalid_client)"), "\(error)")
                #expect(!error.contains("not-the-secret"))
            }
            #expect(setup.service.requestCounts()["client_credentials"] == 1)
        }
    }

    @Test func aTokenRefusedForOneMailboxFailsThatUserOnly() async throws {
        try await withSetup(lifetime: 30, mailboxes: Self.users) { setup in
            let job = try job(
                setup, name: "one-refused", sourceOAuth2: Self.clientCredentialsYAML(setup.service),
                destinationOAuth2: Self.clientCredentialsYAML(setup.service), users: Self.users + ["zoe"])
            let outcomes = try await migrate(job, environment: ["MF_CLIENT_SECRET": Self.clientSecret])
            for user in Self.users {
                #expect(outcomes[user]?.state == .done, "\(user): \(outcomes[user]?.lastError ?? "")")
            }
            #expect(outcomes["zoe"]?.state == .failed)
            let error = outcomes["zoe"]?.lastError ?? ""
            #expect(error.hasPrefix("the server refused the OAuth2 token for zoe at 127.0.0.1:"), "\(error)")
            #expect(error.contains(#""status":"#), "the server's JSON status: \(error)")
        }
    }

    @Test func pop3SourceWithOAuth2() async throws {
        try await withSetup { setup in
            let job = try job(
                setup, name: "pop3", sourceOAuth2: "mechanism: xoauth2\n" + Self.clientCredentialsYAML(setup.service),
                destinationOAuth2: Self.clientCredentialsYAML(setup.service),
                sourceProtocol: "protocol: pop3s\n  ports: { pop3s: %POP3S% }")
            let outcomes = try await migrate(job, environment: ["MF_CLIENT_SECRET": Self.clientSecret])
            for user in Self.users {
                #expect(outcomes[user]?.state == .done, "\(user): \(outcomes[user]?.lastError ?? "")")
                try await expectExactCopy(setup, user, inboxOnly: true, popOnly: true)
            }
        }
    }

    /// `protocol: auto` (POP3 for INBOX, IMAP for the other folders) with `mechanism: auto` on both.
    @Test func autoWithOAuth2OnBothProtocols() async throws {
        try await withSetup { setup in
            let job = try job(
                setup, name: "auto", sourceOAuth2: "mechanism: auto\n" + Self.clientCredentialsYAML(setup.service),
                destinationOAuth2: Self.clientCredentialsYAML(setup.service),
                sourceProtocol: "protocol: auto\n  ports: { imap4: 0, imap4s: %IMAPS%, pop3: 0, pop3s: %POP3S% }")
            let outcomes = try await migrate(job, environment: ["MF_CLIENT_SECRET": Self.clientSecret])
            for user in Self.users {
                #expect(outcomes[user]?.state == .done, "\(user): \(outcomes[user]?.lastError ?? "")")
                try await expectExactCopy(setup, user, inboxOnly: true)
            }
        }
    }
}
