import Engine
import Foundation
import JobSpec
import Ledger
import MailStores
import MailferryCore
import TestSupport
import Testing

/// IMAP to IMAP through the engine and the real stores, between two real Dovecot servers.
@Suite(.serialized) struct MigrationEndToEndTests {
    struct Setup {
        var source: DovecotServer
        var destination: DovecotServer
        var job: Job
        var directory: String

    }

    static let users = [("alice", "alice-pw"), ("bob", "bob-pw"), ("carol", "carol-pw")]

    func makeSetup(usersFile: String, extraFolders: String = "") async throws -> Setup {
        let source = try await DovecotServer.start(.init(users: Self.users, masterUser: ("admin", "admin-pw")))
        let destination = try await DovecotServer.start(.init(users: Self.users, masterUser: ("admin", "admin-pw")))
        let directory = NSTemporaryDirectory() + "mf-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let yaml = """
            version: 1
            name: e2e
            \(source.imapsSourceYAML(timeout: "20s"))
            \(destination.imapsDestinationYAML(adminVariable: "DEST_ADMIN_PASSWORD"))
            \(extraFolders)
            users:
              file: users.csv
            options:
              concurrency: 3
              retries: 1
            """
        try yaml.write(toFile: directory + "/job.yaml", atomically: true, encoding: .utf8)
        try usersFile.write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        chmod(directory + "/users.csv", 0o600)
        let loaded = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: directory + "/job.yaml")
        let job = try #require(loaded.job, "job invalid: \(loaded.diagnostics.map(\.message))")
        return Setup(source: source, destination: destination, job: job, directory: directory)
    }

    func migrateAll(_ setup: Setup, ledger: Ledger) async throws -> [String: UserOutcome] {
        let factory = StoreFactory(job: setup.job, environment: ["DEST_ADMIN_PASSWORD": "admin-pw"])
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let outcomes = await ApplyRun(
            rules: setup.job.folders, options: setup.job.options, ledger: ledger, runID: run,
            retryDelay: .milliseconds(50)
        ) { factory.connector(for: $0) }.outcomes(setup.job.accounts, concurrency: setup.job.options.concurrency)
        try ledger.finishRun(run, finishedAt: Date(), outcome: .completed)
        return outcomes
    }

    func snapshot(_ server: DovecotServer, _ user: String) async throws -> MailboxSnapshot {
        let password = Self.users.first { $0.0 == user }?.1 ?? ""
        return try await MailboxSnapshot.read(
            host: server.host, port: server.imapsPort, caFile: server.caFile, user: user, password: password)
    }

    /// A folder's listing window by window, each window's messages checked to lie at or above its
    /// first UID, and how many windows it took.
    static func listInWindows(
        of size: Int, _ list: (ListingWindow) async throws -> (messages: [MessageSummary], next: ListingWindow?)
    ) async throws -> (listed: [MessageSummary], windows: Int) {
        var listed: [MessageSummary] = []
        var windows = 0
        var window: ListingWindow? = ListingWindow(size: size)
        while let current = window {
            let part = try await list(current)
            #expect(part.messages.allSatisfy { $0.uid >= current.first })
            listed += part.messages
            windows += 1
            window = part.next
        }
        return (listed, windows)
    }

    @Test func anIMAPFolderListedInWindowsHasEveryMessageOnceInUIDOrder() async throws {
        let setup = try await makeSetup(usersFile: "alice,alice-pw\n")
        try await DovecotServer.stopping([setup.source, setup.destination]) {
            _ = try await SourceSeeder.seed(
                host: setup.source.host, port: setup.source.imapsPort, caFile: setup.source.caFile, user: "alice",
                password: "alice-pw")
            let factory = StoreFactory(job: setup.job, environment: ["DEST_ADMIN_PASSWORD": "admin-pw"])
            let alice = try #require(setup.job.accounts.first)
            let source = try await factory.connector(for: alice).openSource()
            let folders = try await source.folders().filter(\.selectable)
            var windowed = 0
            for folder in folders.map(\.path) {
                let (listed, windows) = try await Self.listInWindows(of: 4) {
                    try await source.summaries(in: folder, identified: true, window: $0)
                }
                #expect(listed == (try await source.summaries(in: folder, identified: true)), "\(folder)")
                if windows > 1 { windowed += 1 }
            }
            await source.close()
            #expect(windowed > 0, "no folder was large enough for two windows")

            // Through the engine in windows of 4: a first copy, then a re-run with the state deleted.
            let state = setup.directory + "/.mailferry/windows"
            for (round, deleteState) in [(1, false), (2, true)] {
                if deleteState { try FileManager.default.removeItem(atPath: state) }
                let ledger = try Ledger.open(directory: state)
                var migration = UserMigration(
                    account: alice, rules: setup.job.folders, options: setup.job.options, ledger: ledger,
                    connector: factory.connector(for: alice), retryDelay: .milliseconds(50))
                migration.listingWindow = 4
                let outcome = await migration.run(in: try ledger.beginRun(command: .apply, startedAt: Date()))
                let sourceSnapshot = try await snapshot(setup.source, "alice")
                #expect(outcome.state == .done, "round \(round): \(outcome.lastError ?? "")")
                #expect(outcome.counts.messagesCopied == (round == 1 ? sourceSnapshot.messageCount : 0))
                #expect(try await snapshot(setup.destination, "alice") == sourceSnapshot, "round \(round)")
            }

            // The destination lists in windows too (a comparison without a state goes a window of
            // each side at a time): every message once, in UID order.
            let destination = try await factory.connector(for: alice).openDestination()
            windowed = 0
            for folder in try await destination.folders().filter(\.selectable).map(\.path) {
                let (listed, windows) = try await Self.listInWindows(of: 4) {
                    try await destination.summaries(in: folder, identified: true, window: $0)
                }
                #expect(listed == (try await destination.summaries(in: folder, identified: true)), "\(folder)")
                if windows > 1 { windowed += 1 }
            }
            await destination.close()
            #expect(windowed > 0, "no destination folder was large enough for two windows")
        }
        try? FileManager.default.removeItem(atPath: setup.directory)
    }

    @Test func migratesExactlyOnceAndSurvivesLosingState() async throws {
        let setup = try await makeSetup(usersFile: "alice,alice-pw\nbob,bob-pw\ncarol,wrong-password\n")
        try await DovecotServer.stopping([setup.source, setup.destination]) {
            for (index, (user, password)) in Self.users.enumerated() {
                _ = try await SourceSeeder.seed(
                    host: setup.source.host, port: setup.source.imapsPort, caFile: setup.source.caFile, user: user,
                    password: password, variant: index)
            }
            let state = setup.directory + "/.mailferry/e2e"
            let ledger = try Ledger.open(directory: state)

            // 1. Cold run: alice and bob complete; carol fails with the server's reason, without stopping them.
            let first = try await migrateAll(setup, ledger: ledger)
            #expect(first["alice"]?.state == .done)
            #expect(first["bob"]?.state == .done)
            #expect(first["carol"]?.state == .failed)
            #expect(first["carol"]?.lastError?.contains("AUTHENTICATIONFAILED") == true)
            for user in ["alice", "bob"] {
                let source = try await snapshot(setup.source, user)
                let destination = try await snapshot(setup.destination, user)
                #expect(source.messageCount > 50)
                #expect(first[user]?.counts.messagesCopied == source.messageCount)
                #expect(source.folders == destination.folders, "folders differ for \(user)")
                #expect(source.subscribed.isSubset(of: destination.subscribed))
                print(
                    "e2e \(user): \(source.messageCount) messages in \(source.folders.count) folders compared, identical"
                )
            }

            // 2. A second run copies nothing and plans no change.
            let second = try await migrateAll(setup, ledger: ledger)
            #expect(second["alice"]?.counts.messagesCopied == 0)
            #expect(second["bob"]?.counts.messagesCopied == 0)
            let factory = StoreFactory(job: setup.job, environment: ["DEST_ADMIN_PASSWORD": "admin-pw"])
            let alice = try #require(setup.job.accounts.first)
            let plan = await UserPlanner(rules: setup.job.folders, options: setup.job.options).plan(
                account: alice, connector: factory.connector(for: alice),
                expectedEndpoint: setup.job.source.route.expectedEndpoints,
                candidates: setup.job.source.route.candidates)
            #expect(plan.status == .ready)
            #expect(!plan.hasChanges, "second plan: \(plan.folders.filter { $0.action != .noop })")

            // 3. With the state directory deleted, a third run still copies nothing: the destination is the truth.
            try FileManager.default.removeItem(atPath: state)
            let third = try await migrateAll(setup, ledger: try Ledger.open(directory: state))
            #expect(third["alice"]?.counts.messagesCopied == 0)
            #expect(third["bob"]?.counts.messagesCopied == 0)
            let after = try await snapshot(setup.destination, "alice")
            #expect(after == (try await snapshot(setup.source, "alice")))
        }
        try? FileManager.default.removeItem(atPath: setup.directory)
    }
}
