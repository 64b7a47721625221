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
        #expect(
            SnippetRedaction.jobFile.apply(to: line) == #"admin: { user: m, password: *********, style: separator }"#)
    }

    @Test func secretReferencesStayReadable() {
        #expect(SnippetRedaction.jobFile.apply(to: "  password: env:ADMIN_PW") == "  password: env:ADMIN_PW")
        #expect(SnippetRedaction.jobFile.apply(to: "  password: file:secret.txt") == "  password: file:secret.txt")
        #expect(SnippetRedaction.jobFile.apply(to: "  host: mail.example") == "  host: mail.example")
    }

    @Test func literalOAuth2SecretsAreMaskedAndTheirNeighboursStayReadable() {
        #expect(
            SnippetRedaction.jobFile.apply(to: "      client_secret: Abc~8Q~secret") == "      client_secret: "
                + String(repeating: "*", count: "Abc~8Q~secret".count))
        #expect(
            SnippetRedaction.jobFile.apply(to: "  token: ya29.a0AfH6") == "  token: "
                + String(repeating: "*", count: "ya29.a0AfH6".count))
        #expect(
            SnippetRedaction.jobFile.apply(to: #"  oauth2: { token: "ya29.x" }"#) == #"  oauth2: { token: ******** }"#)
        #expect(SnippetRedaction.jobFile.apply(to: "  token: env:TOKEN") == "  token: env:TOKEN")
        #expect(
            SnippetRedaction.jobFile.apply(to: "  token_url: http://login/token") == "  token_url: http://login/token")
        #expect(
            SnippetRedaction.jobFile.apply(to: "  token_command: [get, \"{user}\"]")
                == "  token_command: [get, \"{user}\"]")
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
