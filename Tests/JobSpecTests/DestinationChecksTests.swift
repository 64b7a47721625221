import Foundation
import JobSpec
import MailferryCore
import Testing

@Suite("Job file: destination")
struct DestinationChecksTests {
    static func job(destination: String) -> String {
        """
        version: 1
        name: destination-test
        source:
          host: mail.old.example
        destination:
        \(destination)
        users:
          file: users.csv
        """
    }

    @Test func imapSettingsAreRead() throws {
        let fixture = try JobFixture(
            job: Self.job(
                destination: """
                      imap:
                        host: mail.new.example
                        security: starttls
                        admin: { user: migrator, password: "env:DEST_ADMIN", style: separator }
                        timeout: 30s
                    """), users: "alice,alice-Secret1,alice.new\n")
        defer { fixture.remove() }
        let result = fixture.load()
        guard case .imap(let imap)? = result.job?.destination else {
            Issue.record("expected an IMAP destination:\n\(result.listing)")
            return
        }
        #expect(imap.host == "mail.new.example")
        #expect(imap.port == 143)
        #expect(imap.security == .starttls)
        #expect(imap.admin?.password == .environment("DEST_ADMIN"))
        #expect(imap.admin?.style == .separator)
        #expect(imap.timeout == .seconds(30))
    }

    @Test func bothImapAndMaildirIsAnErrorAtTheLaterOne() throws {
        let fixture = try JobFixture(
            job: Self.job(
                destination: """
                      imap:
                        host: mail.new.example
                      ‸maildir:
                        path: /var/vmail/{user}
                    """))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "both 'imap' and 'maildir'")
    }

    @Test func neitherImapNorMaildirIsAnError() throws {
        let fixture = try JobFixture(
            job: Self.job(destination: "  ‸imapp:\n    host: x.example").replacingOccurrences(
                of: "destination:\n", with: "‸destination:\n"))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "exactly one of 'imap' or 'maildir'")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "did you mean 'imap'?")
    }

    @Test func securityAndPortAreChecked() throws {
        let fixture = try JobFixture(
            job: Self.job(
                destination: """
                      imap:
                        host: mail.new.example
                        port: ‸0
                        security: ‸ssl
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "port 0 is out of range 1...65535")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "expected one of tls, starttls, none")
    }

    @Test func securityNoneNeedsPlaintextLogin() throws {
        let fixture = try JobFixture(
            job: Self.job(
                destination: """
                      imap:
                        host: mail.new.example
                        security: ‸none
                    """))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "allow_plaintext_login: true")

        let allowed = try JobFixture(
            job: Self.job(
                destination: """
                      imap:
                        host: mail.new.example
                        security: none
                        allow_plaintext_login: ‸true
                    """))
        defer { allowed.remove() }
        let result = allowed.load()
        #expect(result.errors.isEmpty, "\(result.listing)")
        expectDiagnostic(result, .warning, at: allowed.jobMark(0), containing: "allow_plaintext_login: true")
    }

    @Test func destinationTLSVerifyOffIsAWarning() throws {
        let fixture = try JobFixture(
            job: Self.job(
                destination: """
                      imap:
                        host: mail.new.example
                        tls:
                          verify: ‸no
                    """))
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .warning, at: fixture.jobMark(0), containing: "destination.imap.tls.verify: false")
    }

    @Test func maildirTemplateIsReadAndResolved() throws {
        let fixture = try JobFixture(
            job: Self.job(
                destination: """
                      maildir:
                        path: /var/vmail/{domain}/{localpart}/Maildir
                    """), users: "alice@old.example,pw1\n")
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        #expect(
            result.job?.destination
                == .maildir(MaildirDestination(pathTemplate: "/var/vmail/{domain}/{localpart}/Maildir")))
    }

    @Test func maildirUnknownPlaceholderIsAnError() throws {
        let fixture = try JobFixture(
            job: Self.job(
                destination: """
                      maildir:
                        path: ‸/var/vmail/{domian}/{usr}
                    """), users: "alice,pw1\n")
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "unknown placeholder '{domian}'")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0),
            containing:
                "unknown placeholder '{usr}' in maildir path; use {user} {localpart} {domain}; did you mean 'user'?")
    }

    @Test func maildirWithoutPerUserPlaceholderIsAWarning() throws {
        let fixture = try JobFixture(
            job: Self.job(
                destination: """
                      maildir:
                        path: ‸/var/vmail/{domain}
                    """), users: "alice,pw1\n")
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .warning, at: fixture.jobMark(0), containing: "every mailbox would land in one Maildir")
    }
}
