import Foundation
import JobSpec
import MailferryCore
import Testing

/// `auth.oauth2` on `source` and `destination.imap` (SPEC section 5): exactly one token source, files
/// and programs checked, token URLs https, diagnostics at exact positions, secrets never quoted.
@Suite("Job file: auth.oauth2")
struct OAuth2ChecksTests {
    static func job(source: String = "", destination: String = "") -> String {
        """
        version: 1
        name: test-job
        source:
          host: mail.old.example
        \(source)
        destination:
          imap:
            host: mail.new.example
        \(destination)
        users:
          file: users.csv
        """
    }

    @Test func clientCredentialsOnBothSidesLoadWithEmptyPasswords() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          mechanism: xoauth2
                          client_credentials:
                            tenant: contoso.onmicrosoft.com
                            client_id: 00000000-0000-0000-0000-000000000001
                            client_secret: env:M365_SECRET
                    """,
                destination: """
                        auth:
                          oauth2:
                            token: file:token.txt
                    """), users: "alice@contoso.com,\nbob@contoso.com,,bob@new.example\n")
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        guard let job = result.job, case .clientCredentials(let credentials)? = job.source.oauth2?.source else {
            Issue.record("no client credentials: \(result.listing)")
            return
        }
        #expect(job.source.oauth2?.mechanism == .xoauth2)
        #expect(credentials.tokenURL == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")
        #expect(credentials.scope == "https://outlook.office365.com/.default")
        #expect(credentials.clientSecret == .environment("M365_SECRET"))
        #expect(job.destination.imapOAuth2?.source == .token(.file("token.txt")))
        #expect(job.source.oauth2?.summary == "oauth2 (client credentials, tenant contoso.onmicrosoft.com, xoauth2)")
        #expect(job.accounts.map(\.destinationUser) == ["alice@contoso.com", "bob@new.example"])
    }

    @Test func noTokenSourceAndTwoTokenSourcesAreErrorsAtTheirKeys() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        ‸oauth2:
                          mechanism: auto
                    """,
                destination: """
                        auth:
                          oauth2:
                            token: env:TOKEN
                            ‸token_command: [/bin/echo, "{user}"]
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing:
                "'source.auth.oauth2' needs exactly one of token, token_command, client_credentials or service_account")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(1),
            containing: "has both 'token' and 'token_command'; keep exactly one token source")
        #expect(result.job == nil)
    }

    @Test func literalTokenIsRefusedWithoutEchoingIt() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          token: ‸ya29.a0AfH6SMBsecret
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "must be env:NAME or file:PATH")
        #expect(!result.listing.contains("ya29"))
    }

    @Test func literalClientSecretIsAWarningAndNeverPrinted() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          client_credentials:
                            tenant: contoso.onmicrosoft.com
                            client_id: app
                            client_secret: ‸Abc~8Q~verySecretValue
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .warning, at: fixture.jobMark(0), containing: "literal secret in job file")
        #expect(!result.listing.contains("verySecretValue"))
    }

    @Test func tokenURLMustBeHTTPSExceptOnLoopback() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          client_credentials:
                            client_id: app
                            client_secret: env:S
                            token_url: ‸http://login.example.com/token
                    """,
                destination: """
                        auth:
                          oauth2:
                            client_credentials:
                              client_id: app
                              client_secret: env:S
                              token_url: ‸http://127.0.0.1:8080/token
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "must use https://")
        expectDiagnostic(result, .warning, at: fixture.jobMark(1), containing: "plain http to a loopback address")
    }

    @Test func clientCredentialsNeedATenantOrATokenURL() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          ‸client_credentials:
                            client_id: app
                            client_secret: env:S
                    """))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "needs 'tenant'")
    }

    @Test func tokenCommandProgramMustExist() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          token_command: [‸./no-such-helper, "{user}"]
                    """,
                destination: """
                        auth:
                          oauth2:
                            token_command: [/bin/echo, "{user}"]
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing: "token_command program './no-such-helper' not found or not executable")
        #expect(result.errors.count == 1, "\(result.listing)")
    }

    @Test func serviceAccountKeyIsCheckedForItsShapeWithoutPrintingIt() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          service_account:
                            key_file: ‸keys/wrong.json
                    """,
                destination: """
                        auth:
                          oauth2:
                            service_account:
                              key_file: ‸keys/missing.json
                    """))
        defer { fixture.remove() }
        try fixture.write(
            #"{"type": "authorized_user", "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty"}"#, to: "keys/wrong.json")
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing: "service account key 'keys/wrong.json' has type 'authorized_user', expected 'service_account'")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(1), containing: "service account key 'keys/missing.json' not found")
        #expect(!result.listing.contains("d-FL95Q19q7MQmFpd7hHD0Ty"))
    }

    @Test func aKeyWithoutPEMPrivateKeyIsRefused() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          service_account:
                            key_file: ‸key.json
                    """))
        defer { fixture.remove() }
        try fixture.write(
            #"{"type":"service_account","client_email":"m@p.iam.gserviceaccount.com","private_key":"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC","token_uri":"https://oauth2.googleapis.com/token"}"#,
            to: "key.json")
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0), containing: "has a private_key that is not a PEM private key")
        #expect(!result.listing.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"))
    }

    @Test func adminAndAuthOnOneSideAreAnError() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      admin: { user: admin, password: env:ADMIN }
                      ‸auth:
                        oauth2:
                          token: env:TOKEN
                    """))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "has both 'admin' and 'auth'")
    }

    @Test func unknownKeysAndMechanismsGetSuggestions() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          mechanism: ‸xoauth
                          ‸tokn: env:TOKEN
                          token: env:TOKEN
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0), containing: "'xoauth' is not a valid 'source.auth.oauth2.mechanism'"
        )
        expectDiagnostic(
            result, .error, at: fixture.jobMark(1), containing: "unknown key 'tokn' in 'source.auth.oauth2'")
    }

    @Test func aWellFormedKeyLoadsAndAWorldReadableOneIsAWarning() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      auth:
                        oauth2:
                          service_account:
                            key_file: ‸key.json
                            scope: https://mail.google.com/
                    """))
        defer { fixture.remove() }
        let pem = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"
        try fixture.write(
            #"{"type":"service_account","client_email":"m@p.iam.gserviceaccount.com","private_key":""#
                + pem + #"","token_uri":"https://oauth2.googleapis.com/token"}"#, to: "key.json")
        chmod(fixture.directory.appendingPathComponent("key.json").path, 0o644)
        let result = fixture.load()
        expectDiagnostic(
            result, .warning, at: fixture.jobMark(0), containing: "is readable by group or others (mode 644)")
        guard case .serviceAccount(let account)? = result.job?.source.oauth2?.source else {
            Issue.record("no service account: \(result.listing)")
            return
        }
        #expect(account.keyFile == fixture.directory.appendingPathComponent("key.json").path)
        #expect(account.tokenURL == "https://oauth2.googleapis.com/token")
        #expect(!result.listing.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"))
    }
}
