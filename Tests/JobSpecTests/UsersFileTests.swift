import Foundation
import JobSpec
import MailferryCore
import TestSupport
import Testing

@Suite("Users file")
struct UsersFileTests {
    /// IMAP destination without admin: local_password required.
    static let imapWithoutAdmin = Jobs.validIMAP
    /// Source admin and Maildir destination: empty passwords allowed, local_password forbidden.
    static let adminToMaildir = """
        version: 1
        name: maildir-test
        source:
          host: mail.old.example
          admin: { user: migrator, password: "env:ADMIN_PW" }
        destination:
          maildir:
            path: /var/vmail/{user}
        users:
          file: users.csv
        """

    @Test func blankLinesCommentsAndQuotingAreHandled() throws {
        let fixture = try JobFixture(
            job: Self.imapWithoutAdmin,
            users: """
                # source_user,source_password,local_user,local_password

                alice,"pa,ss""word",alice,new-Secret1
                  # indented comment
                "bob",bob-Secret2,,bob-New2

                """)
        defer { fixture.remove() }
        let result = fixture.load()
        let accounts = try #require(result.job?.accounts, "\(result.listing)")
        #expect(accounts.map(\.sourceUser) == ["alice", "bob"])
        #expect(accounts.first?.sourcePassword.revealed() == "pa,ss\"word")
        #expect(accounts.last?.localUser == "bob")
        #expect(accounts.map(\.line) == [3, 5])
    }

    @Test func wrongFieldCountsAreErrorsWithPositions() throws {
        let fixture = try JobFixture(
            job: Self.imapWithoutAdmin,
            users: """
                alice‸
                bob,b-Secret1,bob,b-New1,‸extra
                carol,c-Secret2,carol,c-New2
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.job == nil)
        expectDiagnostic(result, .error, at: fixture.usersMark(0), containing: "missing source_password")
        expectDiagnostic(result, .error, at: fixture.usersMark(1), containing: "too many fields (5)")
        #expect(result.errors.count == 2, "\(result.listing)")
    }

    @Test func emptyUserAndPasswordAreErrors() throws {
        let fixture = try JobFixture(
            job: Self.imapWithoutAdmin,
            users: """
                ‸,x-Secret1,x,x-New1
                dora,‸,dora,d-New1
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.usersMark(0), containing: "empty source user")
        expectDiagnostic(
            result, .error, at: fixture.usersMark(1),
            containing: "empty source password; it may be left empty only when source.admin or source.auth is set")
    }

    @Test func emptyPasswordIsFineWithSourceAdmin() throws {
        let fixture = try JobFixture(job: Self.adminToMaildir, users: "alice,,alice.new\nbob,\n")
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        #expect(result.job?.accounts.map(\.destinationUser) == ["alice.new", "bob"])
    }

    @Test func sourceUserListedTwiceIsAnErrorAtTheSecond() throws {
        let fixture = try JobFixture(
            job: Self.imapWithoutAdmin,
            users: """
                alice,a-Secret1,alice,a-New1
                bob,b-Secret2,bob,b-New2
                ‸Alice,a-Secret3,alice2,a-New3
                """)
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.usersMark(0),
            containing: "source user 'Alice' is listed twice (first at line 1)")
    }

    @Test func twoSourcesOntoOneLocalUserIsAWarning() throws {
        let fixture = try JobFixture(
            job: Self.imapWithoutAdmin,
            users: """
                alice,a-Secret1,shared,s-New1
                bob,b-Secret2,‸shared,s-New1
                shared,s-Secret3,shared2,s-New2
                ‸shared2,x-Secret4,,x-New4
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .warning, at: fixture.usersMark(0),
            containing: "'alice' (line 1) and 'bob' both migrate into 'shared'")
        expectDiagnostic(result, .warning, at: fixture.usersMark(1), containing: "both migrate into 'shared2'")
        #expect(result.errors.isEmpty, "\(result.listing)")
        #expect(result.job?.accounts.count == 4)
    }

    @Test func localPasswordIsRequiredForIMAPWithoutAdmin() throws {
        let fixture = try JobFixture(
            job: Self.imapWithoutAdmin,
            users: """
                alice,a-Secret1‸
                bob,b-Secret2,bob,‸
                """)
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.usersMark(0), containing: "missing local_password")
        expectDiagnostic(result, .error, at: fixture.usersMark(1), containing: "missing local_password")
    }

    @Test func localPasswordIsAnErrorElsewhere() throws {
        let fixture = try JobFixture(job: Self.adminToMaildir, users: "alice,,alice,‸a-New1\n")
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.usersMark(0),
            containing: "local_password is used only by an IMAP destination without admin")
    }

    @Test func unterminatedQuoteIsAnError() throws {
        let fixture = try JobFixture(job: Self.adminToMaildir, users: "alice,‸\"open\n")
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.usersMark(0), containing: "quoted field is not closed")
    }

    @Test func fieldColumnsCountCharactersNotBytes() throws {
        let fixture = try JobFixture(
            job: Self.imapWithoutAdmin, users: "jürgen,j-Secret1,jürgen,j-New1\njürgen,ü-Secret2,x,‸\n")
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: Location(file: fixture.usersPath, line: 2, column: 1), containing: "listed twice")
        expectDiagnostic(result, .error, at: fixture.usersMark(0), containing: "missing local_password")
        #expect(fixture.usersMark(0).column == 20)
    }

    @Test func missingUsersFileIsOneErrorAtTheJobFilesValue() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "file: users.csv", with: "file: ‸batches/missing.csv"))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0), containing: "users file 'batches/missing.csv' not found")
        #expect(result.errors.count == 1, "\(result.listing)")
        #expect(result.usersFile == fixture.directory.appendingPathComponent("batches/missing.csv").path)
    }

    @Test func usersFileWithoutUsersIsAnError() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "file: users.csv", with: "file: ‸users.csv"),
            users: "# nobody yet\n\n")
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "lists no users")
    }

    @Test func moreThan500UsersIsAWarning() throws {
        let rows = (1...501).map { "user\($0),Secret-\($0),user\($0),New-\($0)" }.joined(separator: "\n")
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "file: users.csv", with: "file: ‸users.csv"),
            users: rows)
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .warning, at: fixture.jobMark(0),
            containing: "501 users in one job; split them into batches of at most 500")
        #expect(result.job?.accounts.count == 501)
    }

    @Test func usersFileReadableByOthersIsAWarning() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "file: users.csv", with: "file: ‸users.csv"),
            usersMode: 0o644)
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .warning, at: fixture.jobMark(0), containing: "readable by group or others (mode 644)")
        #expect(result.job != nil)
    }

    @Test func usersFileTrackedByGitIsAWarning() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "file: users.csv", with: "file: ‸users.csv"))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(gitTracks: true), .warning, at: fixture.jobMark(0), containing: "tracked by git")
        #expect(fixture.load(gitTracks: false).warnings.isEmpty)
    }

    @Test func exampleUsersFilesSkipTheGitAndModeWarnings() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "file: users.csv", with: "file: users.example.csv"))
        defer { fixture.remove() }
        try fixture.write("alice,a-Secret1,alice,a-New1\n", to: "users.example.csv")
        let result = fixture.load(gitTracks: true)
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
    }

    @Test func defaultGitCheckFindsATrackedFile() throws {
        let fixture = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "file: users.csv", with: "file: ‸users.csv"))
        defer { fixture.remove() }
        let git = try #require(
            ["/usr/bin/git", "/usr/local/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "git is needed for this test")
        for arguments in [["init", "-q"], ["add", "users.csv"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: git)
            process.arguments = arguments
            process.currentDirectoryURL = fixture.directory
            try process.run()
            #expect(process.waitForEnd() == .exited(0))
        }
        let tracked = JobLoader().load(jobFile: fixture.jobPath)
        expectDiagnostic(tracked, .warning, at: fixture.jobMark(0), containing: "tracked by git")
    }

    @Test func noPasswordEverAppearsInADiagnostic() throws {
        let secrets = [
            "Zq-Source-Secret-1", "Zq-Local-Secret-2", "Zq-Admin-Literal-3", "Zq-Dup-Secret-4", "Zq-Quoted,Secret-5",
        ]
        let fixture = try JobFixture(
            job: """
                version: 1
                name: secrets
                source:
                  host: mail.old.example
                  admin: { user: migrator, password: \(secrets[2]) }
                destination:
                  maildir:
                    path: /var/vmail/{user}
                users:
                  file: users.csv
                """,
            users: """
                alice,\(secrets[0]),alice,\(secrets[1])
                alice,\(secrets[3])
                bob,"\(secrets[4])",x,y,z
                carol,"\(secrets[0])
                """, usersMode: 0o644)
        defer { fixture.remove() }
        let result = fixture.load(gitTracks: true)
        #expect(result.errors.count >= 4, "\(result.listing)")
        for diagnostic in result.diagnostics {
            for secret in secrets {
                #expect(!diagnostic.message.contains(secret), "password leaked: \(diagnostic.message)")
                #expect(!"\(diagnostic)".contains(secret))
            }
        }
    }
}
