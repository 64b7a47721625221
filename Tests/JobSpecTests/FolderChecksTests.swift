import Foundation
import JobSpec
import MailferryCore
import Testing

@Suite("Job file: folders")
struct FolderChecksTests {
    static func job(folders: String, protocol name: String = "imap4s") -> String {
        """
        version: 1
        name: folder-test
        source:
          host: mail.old.example
          protocol: \(name)
        destination:
          imap:
            host: mail.new.example
        folders:
        \(folders)
        users:
          file: users.csv
        """
    }

    @Test func rulesAreReadInFileOrder() throws {
        let fixture = try JobFixture(
            job: Self.job(
                folders: """
                      skip: [Trash, "Junk*"]
                      translate:
                        "Sent Items": Sent
                        "INBOX/Old": Archive
                      special_use: false
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        let folders = try #require(result.job?.folders, "\(result.listing)")
        #expect(folders.skip == ["Trash", "Junk*"])
        #expect(
            folders.translate == [
                .init(source: "Sent Items", destination: "Sent"), .init(source: "INBOX/Old", destination: "Archive"),
            ])
        #expect(!folders.specialUse)
        #expect(!folders.merge)
    }

    @Test func translatedFolderThatIsAlsoSkippedIsAnError() throws {
        let fixture = try JobFixture(
            job: Self.job(
                folders: """
                      skip: [Trash, "Archive/*"]
                      translate:
                        ‸"Archive/2019": Old-2019
                        ‸Trash: Deleted
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing: "folder 'Archive/2019' is translated but also skipped by 'Archive/*'")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "skipped by 'Trash'")
    }

    @Test func twoSourcesOntoOneDestinationNeedMerge() throws {
        let text = Self.job(
            folders: """
                  translate:
                    "Sent Items": Sent
                    "Sent Messages": ‸Sent
                """)
        let fixture = try JobFixture(job: text)
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0),
            containing:
                "'Sent Items' (line 11) and 'Sent Messages' are both translated to 'Sent'; set folders.merge: true")

        let merged = try JobFixture(
            job: text.replacingOccurrences(of: "  translate:", with: "  merge: true\n  translate:"))
        defer { merged.remove() }
        let result = merged.load()
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        #expect(result.job?.folders.merge == true)
    }

    @Test func wrongShapesAreTypeErrors() throws {
        let fixture = try JobFixture(
            job: Self.job(
                folders: """
                      skip: ‸Trash
                      translate: ‸[Sent]
                      merge: ‸"yes please"
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "expected a list for 'folders.skip'")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "found a list")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(2), containing: "expected true or false for 'folders.merge'")
    }

    @Test func folderRulesWithPOP3OnlyAreAWarning() throws {
        let fixture = try JobFixture(
            job: Self.job(folders: "  skip: [Trash]", protocol: "pop3s")
                .replacingOccurrences(of: "folders:", with: "‸folders:"))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .warning, at: fixture.jobMark(0), containing: "POP3 reaches INBOX only")
    }
}
