import Engine
import Foundation
import IMAP
import JobSpec
import Ledger
import MailStores
import MailferryCore
import NIOCore
import TestSupport
import Testing

/// A destination with IMAP METADATA keeps each folder's sync record, so that a run without its state
/// still skips the folders unchanged since their last complete sync (Dovecot on both sides).
@Suite(.serialized) struct DestinationSyncRecordEndToEndTests {
    static let users = [("alice", "alice-pw")]

    struct Setup {
        var source: DovecotServer
        var destination: DovecotServer
        var job: Job
        var directory: String
        var state: String { directory + "/.mailferry/records" }
    }

    func makeSetup(folders: String = "") async throws -> Setup {
        let source = try await DovecotServer.start(.init(users: Self.users, masterUser: ("admin", "admin-pw")))
        let destination = try await DovecotServer.start(
            .init(users: Self.users, masterUser: ("admin", "admin-pw"), metadata: true))
        let directory = NSTemporaryDirectory() + "mf-records-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let yaml = """
            version: 1
            name: records
            \(source.imapsSourceYAML(timeout: "20s"))
            \(destination.imapsDestinationYAML(adminVariable: "DEST_ADMIN_PASSWORD"))
            \(folders)
            users:
              file: users.csv
            options:
              retries: 1
            """
        try yaml.write(toFile: directory + "/job.yaml", atomically: true, encoding: .utf8)
        try "alice,alice-pw\n".write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        chmod(directory + "/users.csv", 0o600)
        let loaded = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: directory + "/job.yaml")
        let job = try #require(loaded.job, "job invalid: \(loaded.diagnostics.map(\.message))")
        return Setup(source: source, destination: destination, job: job, directory: directory)
    }

    func apply(_ setup: Setup, ledger: Ledger) async throws -> UserOutcome {
        let factory = StoreFactory(job: setup.job, environment: ["DEST_ADMIN_PASSWORD": "admin-pw"])
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let outcomes = await ApplyRun(
            rules: setup.job.folders, options: setup.job.options, ledger: ledger, runID: run,
            retryDelay: .milliseconds(50)
        ) { factory.connector(for: $0) }.outcomes(setup.job.accounts, concurrency: 1)
        try ledger.finishRun(run, finishedAt: Date(), outcome: .completed)
        return try #require(outcomes["alice"])
    }

    /// The plan's folders that are migrated (not skipped).
    func plannedFolders(_ setup: Setup, ledger: Ledger) async throws -> [FolderPlan] {
        let factory = StoreFactory(job: setup.job, environment: ["DEST_ADMIN_PASSWORD": "admin-pw"])
        let alice = try #require(setup.job.accounts.first)
        let plan = await UserPlanner(rules: setup.job.folders, options: setup.job.options, ledger: ledger).plan(
            account: alice, connector: factory.connector(for: alice),
            expectedEndpoint: setup.job.source.route.expectedEndpoints,
            candidates: setup.job.source.route.candidates)
        #expect(plan.status == .ready)
        return plan.folders.filter { $0.action != .skip }
    }

    func snapshot(_ server: DovecotServer) async throws -> MailboxSnapshot {
        try await MailboxSnapshot.read(
            host: server.host, port: server.imapsPort, caFile: server.caFile, user: "alice", password: "alice-pw")
    }

    static let unchanged = "unchanged since the last complete sync"

    func seed(_ setup: Setup) async throws -> SourceSeeder.Seeded {
        try await SourceSeeder.seed(
            host: setup.source.host, port: setup.source.imapsPort, caFile: setup.source.caFile, user: "alice",
            password: "alice-pw")
    }

    @Test func aRunWithoutItsStateSkipsTheFoldersTheDestinationRecordsUnchanged() async throws {
        let setup = try await makeSetup()
        try await DovecotServer.stopping([setup.source, setup.destination]) {
            let seeded = try await seed(setup)
            let cold = try await apply(setup, ledger: try Ledger.open(directory: setup.state))
            #expect(cold.state == .done && cold.counts.messagesCopied == seeded.messages, "\(cold.lastError ?? "")")

            // With the state: the annotations written after each folder did not cost the fast path
            // (each folder's state was read again after its record was kept).
            let withState = try await plannedFolders(setup, ledger: try Ledger.open(directory: setup.state))
            #expect(withState.count == seeded.folders.count)
            for folder in withState {
                #expect(folder.action == .noop && folder.reason.hasPrefix(Self.unchanged), "\(folder)")
            }

            // Without it: every folder is found unchanged from the destination's records, and `plan`
            // writes nothing into the new state.
            try FileManager.default.removeItem(atPath: setup.state)
            let fresh = try Ledger.open(directory: setup.state)
            let withoutState = try await plannedFolders(setup, ledger: fresh)
            #expect(withoutState.count == seeded.folders.count)
            for folder in withoutState {
                #expect(folder.action == .noop && folder.reason.hasPrefix(Self.unchanged), "\(folder)")
                #expect(folder.messagesPresent > 0, "\(folder)")
            }
            #expect(try fresh.folderRecords(sourceUser: "alice").isEmpty)

            // New mail in the INBOX: that folder alone is read (without a state, by identity) and gets
            // the one message; the others are skipped and their records saved into the new state.
            let client = try await setup.source.session("alice")
            let text = "From: a@old.example\r\nSubject: new\r\nMessage-ID: <new-after-loss@old.example>\r\n\r\nhi\r\n"
            _ = try await client.append(
                to: "INBOX", IMAPAppendMessage(flags: [], source: .buffer(ByteBuffer(string: text))))
            try await client.logout()
            let rerun = try await apply(setup, ledger: fresh)
            #expect(rerun.state == .done, "\(rerun.lastError ?? "")")
            #expect(rerun.counts.messagesCopied == 1)
            #expect(rerun.counts.messagesPresent == seeded.messages)
            #expect(try fresh.folderRecords(sourceUser: "alice").count == seeded.folders.count)
            #expect(try await snapshot(setup.destination) == (try await snapshot(setup.source)))

            // The next run takes every folder's fast path from the new state.
            for folder in try await plannedFolders(setup, ledger: fresh) {
                #expect(folder.action == .noop && folder.reason.hasPrefix(Self.unchanged), "\(folder)")
            }
        }
        try? FileManager.default.removeItem(atPath: setup.directory)
    }

    @Test func twoSourceFoldersMergedIntoOneStillSettleIntoTheFastPath() async throws {
        // Each record written raises the destination folder's HIGHESTMODSEQ, which the other source
        // folder's state record holds: a record that still holds is not written again.
        let setup = try await makeSetup(folders: "folders:\n  merge: true\n  translate:\n    \"Entwürfe\": Work")
        try await DovecotServer.stopping([setup.source, setup.destination]) {
            _ = try await seed(setup)
            let ledger = try Ledger.open(directory: setup.state)
            #expect(try await apply(setup, ledger: ledger).state == .done)
            let client = try await setup.source.session("alice")
            let text = "From: a@old.example\r\nSubject: new\r\nMessage-ID: <new-in-work@old.example>\r\n\r\nhi\r\n"
            _ = try await client.append(
                to: "Work", IMAPAppendMessage(flags: [], source: .buffer(ByteBuffer(string: text))))
            try await client.logout()
            #expect(try await apply(setup, ledger: ledger).counts.messagesCopied == 1)
            // One more run compares the merged folder that the other's record made stale, then both settle.
            _ = try await apply(setup, ledger: ledger)
            for folder in try await plannedFolders(setup, ledger: ledger) {
                #expect(folder.action == .noop && folder.reason.hasPrefix(Self.unchanged), "\(folder)")
            }
            #expect(
                try await snapshot(setup.destination).messageCount == (try await snapshot(setup.source)).messageCount)
        }
        try? FileManager.default.removeItem(atPath: setup.directory)
    }

    @Test func aServerThatRefusesTheRecordsIsAskedOncePerSessionAndTheRunGoesOn() async throws {
        let setup = try await makeSetup()
        try await DovecotServer.stopping([setup.source, setup.destination]) {
            let seeded = try await seed(setup)
            // Dovecot keeps the user's annotations in ~/dovecot-attributes: a directory there makes
            // every SETMETADATA fail (NO), as a server with a limit on entries refuses them.
            try await setup.destination.session("alice").logout()
            try FileManager.default.createDirectory(
                atPath: setup.destination.directory + "/mail/alice/dovecot-attributes",
                withIntermediateDirectories: true)
            let ledger = try Ledger.open(directory: setup.state)
            let cold = try await apply(setup, ledger: ledger)
            #expect(cold.state == .done && cold.counts.messagesCopied == seeded.messages, "\(cold.lastError ?? "")")
            let log = try UserLog.read(directory: setup.state, sourceUser: "alice")
            #expect(log.components(separatedBy: "its sync record was not kept on the destination").count == 2, "\(log)")
            // The state's records were saved all the same: the next run skips every folder.
            for folder in try await plannedFolders(setup, ledger: ledger) {
                #expect(folder.action == .noop && folder.reason.hasPrefix(Self.unchanged), "\(folder)")
            }
            // Without the state, the folders are compared as before records existed. (The failed write
            // left Dovecot's dotlock behind, which would make the next one wait a minute for it.)
            try? FileManager.default.removeItem(
                atPath: setup.destination.directory + "/mail/alice/dovecot-attributes.lock")
            try FileManager.default.removeItem(atPath: setup.state)
            let rerun = try await apply(setup, ledger: try Ledger.open(directory: setup.state))
            #expect(rerun.state == .done && rerun.counts.messagesCopied == 0, "\(rerun.lastError ?? "")")
            #expect(rerun.counts.messagesPresent == seeded.messages)
        }
        try? FileManager.default.removeItem(atPath: setup.directory)
    }

    @Test func aFolderChangedOnTheDestinationSinceItsRecordIsReadAgain() async throws {
        let setup = try await makeSetup()
        try await DovecotServer.stopping([setup.source, setup.destination]) {
            let seeded = try await seed(setup)
            #expect(try await apply(setup, ledger: try Ledger.open(directory: setup.state)).state == .done)
            // The user files a message of their own into Work on the destination.
            let client = try await setup.destination.session("alice")
            let text = "From: me@new.example\r\nSubject: mine\r\nMessage-ID: <mine@new.example>\r\n\r\nhi\r\n"
            _ = try await client.append(
                to: "Work", IMAPAppendMessage(flags: [], source: .buffer(ByteBuffer(string: text))))
            try await client.logout()

            try FileManager.default.removeItem(atPath: setup.state)
            let folders = try await plannedFolders(setup, ledger: try Ledger.open(directory: setup.state))
            let work = try #require(folders.first { $0.source == "Work" })
            #expect(!work.reason.hasPrefix(Self.unchanged), "\(work)")
            #expect(work.messagesToCopy == 0)
            for folder in folders where folder.source != "Work" {
                #expect(folder.reason.hasPrefix(Self.unchanged), "\(folder)")
            }
            let rerun = try await apply(setup, ledger: try Ledger.open(directory: setup.state))
            #expect(rerun.counts.messagesCopied == 0)
            #expect(rerun.counts.messagesPresent == seeded.messages)
        }
        try? FileManager.default.removeItem(atPath: setup.directory)
    }
}
