import Foundation
import GRDB
import Testing

@testable import Ledger

@Suite struct RowStatementTests {
    static let insert = """
        INSERT INTO journal (source_user, source_folder, source_key, identity, destination_folder, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?)
        """

    @Test func valuesAreStoredAsBoundAndAFailedRowLeavesTheStatementReady() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)

        let failure = try ledger.write { db -> DatabaseError? in
            var statement = try RowStatement(Self.insert, in: db)
            for value in ["bøb", "[\"INBOX\"]", "7:1", "mid:<ü@x>:10", "[\"INBOX\"]"] { statement.bind(value) }
            statement.bind(nil as Int64?)  // recorded_at is NOT NULL
            var failure: DatabaseError?
            do { try statement.execute() } catch let error as DatabaseError { failure = error }
            for value in ["bøb", "[\"INBOX\"]", "7:2", "mid:<ü@x>:10", "[\"INBOX\"]", "2026-12-07T12:00:00.000Z"] {
                statement.bind(value)
            }
            try statement.execute()
            return failure
        }

        #expect(failure?.resultCode == .SQLITE_CONSTRAINT)
        #expect(failure?.message?.contains("recorded_at") == true)
        let rows = try ledger.read { db in
            try Row.fetchAll(db, sql: "SELECT source_user, source_key, identity FROM journal")
        }
        #expect(rows.count == 1)
        #expect(rows.first?["source_user"] == "bøb")
        #expect(rows.first?["source_key"] == "7:2")
        #expect(rows.first?["identity"] == "mid:<ü@x>:10")
    }
}
