import Testing

@testable import MailferryCLI

@Suite struct SnippetRedactionTests {
    @Test func literalPasswordInJobFileIsMaskedKeepingColumns() {
        let line = "    password: hunter2  # literal"
        let masked = SnippetRedaction.jobFile.apply(to: line)
        #expect(masked == "    password: *******  # literal")
        #expect(masked.unicodeScalars.count == line.unicodeScalars.count)
    }

    @Test func flowMappingAndQuotedPasswordsAreMasked() {
        let line = #"admin: { user: m, password: "s3cr,et", style: separator }"#
        #expect(SnippetRedaction.jobFile.apply(to: line) == #"admin: { user: m, password: *********, style: separator }"#)
    }

    @Test func secretReferencesStayReadable() {
        #expect(SnippetRedaction.jobFile.apply(to: "  password: env:ADMIN_PW") == "  password: env:ADMIN_PW")
        #expect(SnippetRedaction.jobFile.apply(to: "  password: file:secret.txt") == "  password: file:secret.txt")
        #expect(SnippetRedaction.jobFile.apply(to: "  host: mail.example") == "  host: mail.example")
    }

    @Test func usersLineShowsOnlyTheSourceUserAndDelimiters() {
        let masked = SnippetRedaction.usersFile(delimiter: ";").apply(to: "alice;pässword;alice.new")
        #expect(masked == "alice;********;*********")
    }

    @Test func usersLineWithUnknownDelimiterOrQuotedUserIsFullyMasked() {
        #expect(SnippetRedaction.usersFile(delimiter: nil).apply(to: "alice;pw") == "********")
        #expect(SnippetRedaction.usersFile(delimiter: ",").apply(to: #""al,pw",x"#) == "***,***,*")
    }
}
