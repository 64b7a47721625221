import Foundation
import GRDB
import MailferryCore
import Testing

@testable import Ledger

@Suite struct LedgerTests {
    @Test func openCreatesPrivateDirectoryAndDatabase() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let directory = temporary.child(".mailferry/acme-batch-1")

        let ledger = try Ledger.open(directory: directory)

        #expect(FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("state.sqlite")))
        #expect(ledger.databasePath == (directory as NSString).appendingPathComponent("state.sqlite"))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let mode = try ledger.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        #expect(!ledger.isReadOnly)
    }

    @Test func openRefusesAFileWhereTheDirectoryShouldBe() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let path = temporary.child("state")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))

        #expect {
            _ = try Ledger.open(directory: path)
        } throws: { error in
            guard case .cannotOpen(let failedPath, _) = error as? LedgerError else { return false }
            return failedPath == path
        }
    }

    @Test func openExistingWithoutStateThrowsNotFound() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let directory = temporary.child("missing")

        #expect(throws: LedgerError.notFound(directory: directory)) {
            _ = try Ledger.openExisting(directory: directory)
        }
        #expect(!FileManager.default.fileExists(atPath: directory), "status must not create state")
        #expect(LedgerError.notFound(directory: directory).userMessage.contains("mailferry apply"))
    }

    @Test func openExistingBringsAnEmptyOrOlderDatabaseUpToDate() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        #expect(FileManager.default.createFile(atPath: temporary.child("state.sqlite"), contents: Data()))

        let ledger = try Ledger.openExisting(directory: temporary.path)

        #expect(ledger.isReadOnly)
        #expect(try ledger.latestUserResults().isEmpty)
        #expect(try ledger.runs().isEmpty)
    }

    @Test func everythingSurvivesReopening() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let counts = UserCounts(foldersDone: 2, foldersTotal: 3, messagesCopied: 10, bytesCopied: 4096)
        let record = FolderRecord(
            sourceUser: "alice", sourceFolder: MailboxPath("INBOX/Old"), destinationFolder: MailboxPath("Archive"),
            source: FolderState(uidValidity: 7, uidNext: 11, messageCount: 10),
            destination: FolderState(uidValidity: 9, uidNext: 21, messageCount: 20), syncedAt: instant(5)
        )
        let pendingID: JournalEntryID
        do {
            let ledger = try Ledger.open(directory: temporary.path)
            let run = try ledger.beginRun(command: .apply, startedAt: instant(0))
            try ledger.userStarted(run: run, sourceUser: "alice", destinationUser: "alice.new", at: instant(1))
            try ledger.userFinished(
                run: run, sourceUser: "alice", state: .done, counts: counts, at: instant(9), lastError: nil)
            try ledger.finishRun(run, finishedAt: instant(10), outcome: .completed)
            try ledger.saveFolderRecord(record)
            let committed = try ledger.recordIntent(
                sourceUser: "alice", sourceFolder: .inbox, sourceKey: "7:1",
                identity: MessageIdentity(key: "mid:<a@x>:10"),
                destinationFolder: .inbox)
            try ledger.commit(
                [committed],
                baseline: [
                    BaselineEntry(
                        sourceFolder: .inbox, sourceKey: "7:1", identity: MessageIdentity(key: "mid:<a@x>:10"),
                        destinationFolder: .inbox, destinationUID: 3, sourceFlags: MessageFlags([]),
                        destinationFlags: MessageFlags([]))
                ], for: MailboxPair(sourceUser: "alice", destinationUser: "alice.new"))
            pendingID = try ledger.recordIntent(
                sourceUser: "alice", sourceFolder: .inbox, sourceKey: "7:2",
                identity: MessageIdentity(key: "mid:<b@x>:20"),
                destinationFolder: .inbox)
        }

        for reopened in [
            try Ledger.open(directory: temporary.path), try Ledger.openExisting(directory: temporary.path),
        ] {
            let results = try reopened.latestUserResults()
            #expect(results.map(\.sourceUser) == ["alice"])
            #expect(results.first?.state == .done)
            #expect(results.first?.counts == counts)
            #expect(results.first?.destinationUser == "alice.new")
            #expect(try reopened.folderRecord(sourceUser: "alice", sourceFolder: MailboxPath("INBOX/Old")) == record)
            #expect(try reopened.copiedCount(sourceUser: "alice") == 1)
            #expect(try reopened.pendingIntents(sourceUser: "alice").map(\.id) == [pendingID])
            #expect(try reopened.runs().first?.outcome == .completed)
        }
    }

    @Test func readOnlyLedgerRefusesWrites() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        _ = try Ledger.open(directory: temporary.path)
        let readOnly = try Ledger.openExisting(directory: temporary.path)

        #expect(readOnly.isReadOnly)
        #expect(throws: LedgerError.readOnly(directory: temporary.path)) {
            _ = try readOnly.beginRun(command: .apply, startedAt: instant(0))
        }
        #expect(try readOnly.latestUserResults().isEmpty)
    }

    @Test func everyConnectionKeepsASmallPageCache() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let readOnly = try Ledger.openExisting(directory: temporary.path)
        let expected = -Ledger.pageCacheKiB

        #expect(try ledger.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == expected)
        #expect(try ledger.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == expected)
        #expect(try readOnly.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == expected)
    }

    @Test func openExistingReadsAfterTheWriterClosedAndRemovedItsWALFiles() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        do {
            let ledger = try Ledger.open(directory: temporary.path)
            let run = try ledger.beginRun(command: .apply, startedAt: instant(0))
            try ledger.userStarted(run: run, sourceUser: "bob", destinationUser: "bob", at: instant(1))
        }
        // The last connection to close checkpoints and deletes -wal/-shm; a reader must cope.
        for suffix in ["-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: temporary.child("state.sqlite" + suffix))
        }

        let readOnly = try Ledger.openExisting(directory: temporary.path)

        #expect(try readOnly.latestUserResults().map(\.sourceUser) == ["bob"])
    }

    @Test func stateFromANewerMailferryIsRefused() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        do {
            let ledger = try Ledger.open(directory: temporary.path)
            try ledger.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
            }
        }

        #expect(throws: LedgerError.newerSchema(path: temporary.child("state.sqlite"))) {
            _ = try Ledger.open(directory: temporary.path)
        }
    }

    @Test func schemaHasNoColumnForSecrets() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)

        let columns = try ledger.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            return try tables.flatMap { table in try db.columns(in: table).map { "\(table).\($0.name)" } }
        }

        #expect(columns.contains("journal.identity"), "the schema was read")
        for column in columns {
            for word in ["pass", "secret", "token", "credential", "pw"] {
                #expect(!column.lowercased().contains(word), "\(column) looks like it could hold a secret")
            }
        }
    }

    @Test func aSecondInstanceReadsWhileTheFirstWrites() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let writer = try Ledger.open(directory: temporary.path)
        let reader = try Ledger.openExisting(directory: temporary.path)
        let run = try writer.beginRun(command: .apply, startedAt: instant(0))
        try writer.userStarted(run: run, sourceUser: "carol", destinationUser: "carol", at: instant(0))

        let rounds = 300
        async let writing: Void = Task.detached {
            for copied in 1...rounds {
                try writer.userProgress(run: run, sourceUser: "carol", counts: UserCounts(messagesCopied: copied))
                _ = try writer.recordIntent(
                    sourceUser: "carol", sourceFolder: .inbox, sourceKey: "1:\(copied)",
                    identity: MessageIdentity(key: "k\(copied)"), destinationFolder: .inbox)
            }
        }.value
        var seen: [Int] = []
        for _ in 0..<rounds {
            let copied = try #require(try reader.latestUserResults().first).counts.messagesCopied
            seen.append(copied)
            let pending = try reader.pendingIntents(sourceUser: "carol").count
            #expect(pending >= copied - 1, "intents committed before that progress are visible")
        }
        try await writing

        #expect(seen == seen.sorted(), "a reader never sees progress go backwards")
        #expect(try reader.latestUserResults().first?.counts.messagesCopied == rounds)
        #expect(try reader.latestUserResults().first?.state == .running)
    }

    @Test func readersAreNotBlockedByAnOpenWriteTransaction() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let writer = try Ledger.open(directory: temporary.path)
        let reader = try Ledger.openExisting(directory: temporary.path)
        let run = try writer.beginRun(command: .apply, startedAt: instant(0))
        try writer.userStarted(run: run, sourceUser: "dave", destinationUser: "dave", at: instant(0))

        // The writer holds its transaction open until the reader has read: no timing involved.
        let inTransaction = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holding = Task.detached {
            try writer.write { db in
                try db.execute(sql: "UPDATE user_result SET messages_copied = 99")
                inTransaction.signal()
                release.wait()
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                inTransaction.wait()
                continuation.resume()
            }
        }
        let during = try reader.latestUserResults().first?.counts.messagesCopied
        release.signal()
        try await holding.value

        // A blocked reader would have waited for the commit and seen 99.
        #expect(during == 0, "the reader sees the last committed state while the write is open")
        #expect(try reader.latestUserResults().first?.counts.messagesCopied == 99)
    }
}

@Suite struct StateDirectoryTests {
    @Test func defaultsBesideTheJobFile() {
        #expect(
            Ledger.stateDirectory(jobFile: "/srv/jobs/acme.yaml", jobName: "acme-batch-1")
                == "/srv/jobs/.mailferry/acme-batch-1")
        #expect(Ledger.stateDirectory(jobFile: "acme.yaml", jobName: "1234") == "./.mailferry/1234")
        #expect(Ledger.stateDirectory(jobFile: "jobs/acme.yaml", jobName: "a.b_c") == "jobs/.mailferry/a.b_c")
    }

    @Test func stateDirOptionWins() {
        #expect(
            Ledger.stateDirectory(jobFile: "/srv/jobs/acme.yaml", jobName: "acme", override: "/var/lib/mf")
                == "/var/lib/mf")
    }

    @Test func aDotNameCannotLeaveTheStateRoot() {
        #expect(Ledger.stateDirectory(jobFile: "/srv/jobs/acme.yaml", jobName: "..") == "/srv/jobs/.mailferry/%2E.")
        #expect(Ledger.stateDirectory(jobFile: "/srv/jobs/acme.yaml", jobName: ".") == "/srv/jobs/.mailferry/%2E")
    }
}

/// docs/errors.md names the state directory's failures as the ledger phrases them.
@Suite struct LedgerErrorCatalogueTests {
    @Test func stateDirectoryFailuresAreInTheCatalogue() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let catalogue = try String(contentsOf: root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        let notWritable = LedgerError.notWritable(directory: "/state", reason: "database or disk is full").userMessage
        #expect(notWritable.hasPrefix("state directory not writable"))
        #expect(notWritable.contains("nothing was lost, the destination is the truth"))
        #expect(catalogue.contains("`state directory not writable`"))
        let cannotOpen = LedgerError.cannotOpen(path: "/state/state.sqlite", reason: "read-only").userMessage
        #expect(cannotOpen.hasPrefix("cannot open the state at"))
        #expect(catalogue.contains("`cannot open the state at`"))
    }
}
