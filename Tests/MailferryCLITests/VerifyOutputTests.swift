import Engine
import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

/// `verify` prints and writes its manifest a user at a time (`VerifyOutput`), users verified in any
/// order; the manifest must be the very bytes of the whole document's encoding.
@Suite struct VerifyOutputTests {
    static let job = MigrationPlan.JobReference(name: "fleet", file: "jobs/fleet.yaml", digest: "d")

    static let users = [
        UserVerification(
            sourceUser: "alice", destinationUser: "alice@new.example",
            outcome: .success(MailboxVerification(folders: [], extra: []))),
        UserVerification(
            sourceUser: "bob \"b\"/{x}", destinationUser: "bob@new.example",
            outcome: .failure(.init(message: "login failed at imap4s://127.0.0.1:1 (tls): line one\nline two"))),
        UserVerification(
            sourceUser: "carol", destinationUser: "carol@new.example",
            outcome: .success(MailboxVerification(folders: [], extra: []))),
    ]

    @Test func theManifestIsTheWholeDocumentsBytesInEitherFormat() throws {
        for users in [Self.users, []] {
            let whole = try StableJSON.encode(VerifyDocument(job: Self.job, deep: true, users: users))
            for format in [VerifyFormat.json, .text] {
                let directory = try PlanSpoolTests.emptyDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                let path = directory.appendingPathComponent("manifest.json").path
                var printed = ""
                let output = try VerifyOutput(
                    format: format, outputFile: path, users: users.count, colors: false
                ) { printed += $0 }
                for (index, user) in users.enumerated().reversed() { try output.store(user, at: index) }
                try output.emit(job: Self.job, deep: true)
                #expect(try String(contentsOfFile: path, encoding: .utf8) == whole, "\(format), \(users.count) users")
                if format == .json { #expect(printed == whole) }
            }
        }
    }

    @Test func theTextListsTheUsersInOrderAndCountsThem() throws {
        var printed = ""
        let output = try VerifyOutput(format: .text, outputFile: nil, users: 3, colors: false) { printed += $0 }
        for index in [2, 0, 1] { try output.store(Self.users[index], at: index) }
        try output.emit(job: Self.job, deep: false)
        let lines = printed.split(separator: "\n").map(String.init)
        #expect(lines.first == "Verification of job fleet")
        let headings = lines.filter { $0.contains(" -> ") }.map { $0.prefix { $0 != " " } }
        #expect(headings == ["alice", "bob", "carol"])
        #expect(lines.last == "3 users: 2 complete, 0 with differences, 1 error.")
        #expect(output.tally[.complete] == 2 && output.tally[.error] == 1 && output.tally.users == 3)
    }
}
