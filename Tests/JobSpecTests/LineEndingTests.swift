import Foundation
import JobSpec
import MailferryCore
import Testing

/// Users files and job files as admins make them: saved by spreadsheets on Windows (CR LF, a BOM,
/// UTF-16 "Unicode text", Windows-1252), by old Mac tools (CR), checked out with `core.autocrlf`.
/// Each convention must give exactly what the LF file gives: the same users, passwords included,
/// and the same diagnostics at the same positions.
@Suite("Line endings, byte order marks and encodings")
struct LineEndingTests {
    /// Comments, blank lines, quoted fields (a delimiter and a quote inside), two errors.
    static let usersLines = [
        "# source_user,source_password,local_user,local_password",
        "",
        "alice,pw1,alice,new-Secret1",
        "  # indented comment",
        "\"bob\",\"p,w\"\"2\",,bob-New2",
        "carol,pw3,carol,carol-New3",
        "dave",
        "erin,pw5,erin,erin-New5,extra",
        "frank,pw6,frank,frank-New6",
    ]

    static let variants: [(name: String, terminator: String, byteOrderMark: Bool)] = [
        ("LF", "\n", false), ("CR LF", "\r\n", false), ("CR", "\r", false),
        ("LF with BOM", "\n", true), ("CR LF with BOM", "\r\n", true), ("CR with BOM", "\r", true),
    ]

    /// A diagnostic without the fixture's temporary folder, so that two fixtures compare.
    static func portable(_ diagnostic: Diagnostic) -> String {
        let place =
            diagnostic.location.map { "\(($0.file as NSString).lastPathComponent):\($0.line):\($0.column)" } ?? "-"
        return "\(place) \(diagnostic.severity) \(diagnostic.message)"
    }

    static func text(_ lines: [String], _ terminator: String, bom: Bool) -> String {
        (bom ? "\u{FEFF}" : "") + lines.joined(separator: terminator) + terminator
    }

    /// The reproduction from the issue: a spreadsheet's CSV saved on Windows.
    @Test func windowsUsersFileYieldsEveryUser() throws {
        let fixture = try JobFixture(job: UsersFileTests.adminToMaildir, users: "alice,pw1\r\nbob,pw2\r\ncarol,pw3\r\n")
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        #expect(result.job?.accounts.map(\.sourceUser) == ["alice", "bob", "carol"])
        #expect(result.job?.accounts.map { $0.sourcePassword.revealed() } == ["pw1", "pw2", "pw3"])
        #expect(result.job?.accounts.map(\.line) == [1, 2, 3])
        #expect(result.mailboxCount == 3)
    }

    @Test(arguments: [",", ";", "\t", "|"])
    func everyConventionGivesTheSameUsersAndDiagnostics(delimiter: String) throws {
        let lines = Self.usersLines.map { $0.replacingOccurrences(of: ",", with: delimiter) }
            .map {
                delimiter == "," ? $0 : $0.replacingOccurrences(of: "\"p\(delimiter)w\"\"2\"", with: "\"p,w\"\"2\"")
            }
        let job =
            Jobs.validIMAP + (delimiter == "\t" ? "\n  delimiter: \"\\t\"\n" : "\n  delimiter: \"\(delimiter)\"\n")
        var reference: (users: [String], diagnostics: [String])?
        for variant in Self.variants {
            let fixture = try JobFixture(
                job: job, users: Self.text(lines, variant.terminator, bom: variant.byteOrderMark))
            defer { fixture.remove() }
            let result = fixture.load()
            let users = (result.job?.accounts ?? []).map { account in
                "\(account.line) \(account.sourceUser) \(account.sourcePassword.revealed()) \(account.localUser) "
                    + (account.localPassword?.revealed() ?? "-")
            }
            let diagnostics = result.diagnostics.map(Self.portable)
            if let reference {
                #expect(users == reference.users, "\(variant.name), delimiter \(delimiter.debugDescription)")
                #expect(
                    diagnostics == reference.diagnostics, "\(variant.name), delimiter \(delimiter.debugDescription)")
            } else {
                // The LF file: the job does not load (two bad rows), so read the rows' positions.
                #expect(result.job == nil)
                let dave = Location(file: fixture.usersPath, line: 7, column: 5)
                let erin =
                    try #require(Self.usersLines[7].range(of: "extra")).lowerBound.utf16Offset(in: Self.usersLines[7])
                    + 1
                expectDiagnostic(result, .error, at: dave, containing: "missing source_password")
                expectDiagnostic(
                    result, .error, at: Location(file: fixture.usersPath, line: 8, column: erin),
                    containing: "too many fields (5)")
                #expect(result.errors.count == 2, "\(result.listing)")
                #expect(result.mailboxCount == 4)
                reference = (users, diagnostics)
            }
        }
    }

    /// The same rows without the bad ones load, in every convention, with their passwords intact.
    @Test func everyConventionLoadsTheSameAccounts() throws {
        let lines = Self.usersLines.filter { !$0.hasPrefix("dave") && !$0.hasPrefix("erin") }
        for variant in Self.variants {
            let fixture = try JobFixture(
                job: Jobs.validIMAP, users: Self.text(lines, variant.terminator, bom: variant.byteOrderMark))
            defer { fixture.remove() }
            let result = fixture.load()
            let accounts = try #require(result.job?.accounts, "\(variant.name): \(result.listing)")
            #expect(accounts.map(\.sourceUser) == ["alice", "bob", "carol", "frank"], "\(variant.name)")
            #expect(
                accounts.map { $0.sourcePassword.revealed() } == ["pw1", "p,w\"2", "pw3", "pw6"], "\(variant.name)")
            #expect(accounts.map(\.line) == [3, 5, 6, 7], "\(variant.name)")
        }
    }

    /// A job file with four mistakes on four lines: every convention reports all four at their places.
    static let brokenJob = [
        "version: 1",
        "source:",
        "  host: mail.old.example",
        "  protocol: imap5",
        "  ports:",
        "    imap4: 70000",
        "destination:",
        "  imap:",
        "    host: mail.new.example",
        "    port: 993",
        "    security: tsl",
        "options:",
        "  concurrency: 0",
        "users:",
        "  file: users.csv",
    ]

    @Test func jobFileInEveryConventionGivesTheSameDiagnostics() throws {
        var reference: [String]?
        for variant in Self.variants {
            let fixture = try JobFixture(job: Self.text(Self.brokenJob, variant.terminator, bom: variant.byteOrderMark))
            defer { fixture.remove() }
            let result = fixture.load()
            let diagnostics = result.diagnostics.map(Self.portable)
            if let reference {
                #expect(diagnostics == reference, "\(variant.name)")
            } else {
                let lines = result.errors.compactMap { $0.location?.line }
                #expect(lines == [4, 6, 11, 13], "\(result.listing)")
                reference = diagnostics
            }
        }
    }

    @Test func usersFileSavedAsUnicodeTextIsALocatedError() throws {
        let fixture = try JobFixture(job: Jobs.validIMAP, users: nil)
        defer { fixture.remove() }
        let utf16: [UInt8] =
            [0xFF, 0xFE] + "alice,pw1,alice,new1\r\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        try Data(utf16).write(to: URL(fileURLWithPath: fixture.usersPath))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: fixture.usersPath)
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: Location(file: fixture.usersPath, line: 1, column: 1),
            containing: "is UTF-16 text, not UTF-8")
        #expect(result.errors.count == 1, "\(result.listing)")
        #expect(result.mailboxCount == nil)
    }

    @Test func usersFileInWindows1252IsLocatedAtTheByte() throws {
        let fixture = try JobFixture(job: Jobs.validIMAP, users: nil)
        defer { fixture.remove() }
        let bytes = Array("alice,pw1,alice,new1\r\nren".utf8) + [0xE9] + Array(",pw2,rene,new2\r\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: fixture.usersPath))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: fixture.usersPath)
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: Location(file: fixture.usersPath, line: 2, column: 4),
            containing: "is not UTF-8 text: byte 0xE9")
        #expect(result.errors.count == 1, "\(result.listing)")
    }

    @Test func jobFileNotInUTF8IsALocatedError() throws {
        let fixture = try JobFixture(job: "")
        defer { fixture.remove() }
        let bytes = Array("version: 1\r\nname: caf".utf8) + [0xE9] + Array("\r\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: fixture.jobPath))
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: Location(file: fixture.jobPath, line: 2, column: 10),
            containing: "job file is not UTF-8 text")
    }
}
