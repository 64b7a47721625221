import Foundation
import JobSpec
import MailferryCore
import Testing

@Suite("Job file: source")
struct SourceChecksTests {
    /// A valid job whose `source:` body is `source` (indented by the caller's text).
    static func job(source: String) -> String {
        """
        version: 1
        name: source-test
        source:
        \(source)
        destination:
          imap:
            host: mail.new.example
        users:
          file: users.csv
        """
    }

    @Test func everySourceSettingIsRead() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: "2001:db8::25"
                      protocol: imap4s
                      ports: { imap4: 1143, imap4s: 1993, pop3: 0, pop3s: 0 }
                      starttls: optional
                      timeout: 2m
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        let source = try #require(result.job?.source, "\(result.listing)")
        #expect(source.host == "2001:db8::25")
        #expect(source.protocol == .imap4s)
        #expect(source.ports == SourceServer.Ports(imap4: 1143, imap4s: 1993, pop3: 0, pop3s: 0))
        #expect(source.starttls == .optional)
        #expect(source.timeout == .seconds(120))
    }

    @Test func protocolTypoGetsDidYouMean() throws {
        let fixture = try JobFixture(job: Self.job(source: "  host: h.example\n  protocol: ‸imap4ss"))
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0),
            containing:
                "'imap4ss' is not a valid 'source.protocol'; expected one of auto, imap4, imap4s, pop3, pop3s; did you mean 'imap4s'?"
        )
    }

    @Test func starttlsMustBeAKnownPolicy() throws {
        let fixture = try JobFixture(job: Self.job(source: "  host: h.example\n  starttls: ‸requird"))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "did you mean 'required'?")
    }

    @Test func portsOutOfRangeAreErrorsAtEachValue() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      ports:
                        imap4: ‸65536
                        pop3: ‸-1
                        pop3s: 65535
                        ‸imap5: 1
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "port 65536 is out of range 0...65535")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "port -1 is out of range")
        expectDiagnostic(result, .error, at: fixture.jobMark(2), containing: "did you mean 'imap4'?")
        #expect(result.errors.count == 3, "\(result.listing)")
    }

    @Test func portWrittenAsStringIsATypeError() throws {
        let fixture = try JobFixture(job: Self.job(source: "  host: h.example\n  ports:\n    imap4: ‸\"143\""))
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0),
            containing: "expected an integer for 'source.ports.imap4', found a string")
    }

    @Test(arguments: ["imap4", "imap4s", "pop3", "pop3s"])
    func protocolDisabledByPortZeroIsAnError(name: String) throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      protocol: \(name)
                      ports:
                        \(name): ‸0
                    """))
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0),
            containing: "source.ports.\(name) is 0, which disables \(name), the protocol this job uses")
    }

    @Test func otherPortsAtZeroAreFine() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      protocol: pop3s
                      ports: { imap4: 0, imap4s: 0, pop3: 0 }
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.errors.isEmpty, "\(result.listing)")
    }

    @Test func autoWithEveryPortZeroIsAnErrorAtTheProtocol() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      protocol: ‸auto
                      ports: { imap4: 0, imap4s: 0, pop3: 0, pop3s: 0 }
                    """))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "protocol auto has no port left")
    }

    @Test func unknownProtocolDoesNotAlsoComplainAboutPorts() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      protocol: ‸imapp
                      ports: { imap4: 0, imap4s: 0, pop3: 0, pop3s: 0 }
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .error, at: fixture.jobMark(0), containing: "did you mean 'imap4'?")
        #expect(result.errors.count == 1, "\(result.listing)")
    }

    @Test func implicitAutoWithEveryPortZeroIsAnErrorAtPorts() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      ‸ports: { imap4: 0, imap4s: 0, pop3: 0, pop3s: 0 }
                    """))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "protocol auto has no port left")
    }

    @Test(arguments: ["mail old.example", "-bad.example", "a..b", "user@host", "http://h"])
    func invalidHostIsAnError(host: String) throws {
        let fixture = try JobFixture(job: Self.job(source: "  host: ‸\"\(host)\""))
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0), containing: "is not a hostname, IPv4 or IPv6 address")
    }

    @Test(arguments: ["mail.old.example", "192.0.2.1", "::1", "fe80::1%eth0", "localhost"])
    func hostsThatAreValid(host: String) throws {
        let fixture = try JobFixture(job: Self.job(source: "  host: \"\(host)\""))
        defer { fixture.remove() }
        #expect(fixture.load().job?.source.host == host)
    }

    @Test(arguments: [("120s", 120_000), ("2m", 120_000), ("90", 90_000), ("1h", 3_600_000), ("1500ms", 1_500)])
    func timeoutAcceptsUnits(text: String, milliseconds: Int64) throws {
        let fixture = try JobFixture(job: Self.job(source: "  host: h.example\n  timeout: \(text)"))
        defer { fixture.remove() }
        #expect(fixture.load().job?.source.timeout == .milliseconds(milliseconds))
    }

    @Test(arguments: ["‸2 minutes", "‸0", "‸-5s", "‸1d"])
    func timeoutRejectsOtherText(text: String) throws {
        let fixture = try JobFixture(job: Self.job(source: "  host: h.example\n  timeout: \(text)"))
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.job == nil)
        #expect(result.diagnostics(at: fixture.jobMark(0)).count == 1, "\(result.listing)")
    }

    @Test func adminIsReadWithEnvironmentReference() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      admin:
                        user: migrator
                        password: env:SOURCE_ADMIN_PASSWORD
                        style: separator
                        separator: "%"
                    """), users: "alice,,alice,alice-New1\n")
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        let admin = try #require(result.job?.source.admin)
        #expect(admin.user == "migrator")
        #expect(admin.password == .environment("SOURCE_ADMIN_PASSWORD"))
        #expect(admin.style == .separator)
        #expect(admin.separator == "%")
    }

    @Test func adminProblemsAreReportedTogether() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      ‸admin:
                        password: ‸"env:"
                        style: ‸seperator
                        separator: ‸""
                    """), users: "alice,,alice,alice-New1\n")
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .error, at: fixture.jobMark(0), containing: "missing required key 'user' in 'source.admin'")
        expectDiagnostic(result, .error, at: fixture.jobMark(1), containing: "env: needs an environment variable name")
        expectDiagnostic(result, .error, at: fixture.jobMark(2), containing: "did you mean 'separator'?")
        expectDiagnostic(
            result, .error, at: fixture.jobMark(3), containing: "'source.admin.separator' must not be empty")
    }

    @Test func fileReferenceIsKeptAsWritten() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      admin: { user: migrator, password: "file:secrets/admin.txt" }
                    """), users: "alice,,alice,alice-New1\n")
        defer { fixture.remove() }
        let result = fixture.load()
        #expect(result.job?.source.admin?.password == .file("secrets/admin.txt"))
        // Validation never reads the secret: the file does not even exist.
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
    }

    @Test func literalAdminPasswordIsAWarningThatNeverShowsIt() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      admin: { user: migrator, password: ‸Literal-Secret-77 }
                    """), users: "alice,,alice,alice-New1\n")
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(
            result, .warning, at: fixture.jobMark(0),
            containing: "literal secret in job file; use env:NAME or file:PATH")
        #expect(result.job?.source.admin?.password == .literal(Secret("Literal-Secret-77")))
        #expect(!result.diagnostics.contains { $0.message.contains("Literal-Secret-77") })
    }

    @Test func plaintextLoginAndUnverifiedTLSAreWarnings() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      allow_plaintext_login: ‸true
                      tls: { verify: ‸false }
                    """))
        defer { fixture.remove() }
        let result = fixture.load()
        expectDiagnostic(result, .warning, at: fixture.jobMark(0), containing: "allow_plaintext_login: true")
        expectDiagnostic(result, .warning, at: fixture.jobMark(1), containing: "verify: false")
        #expect(result.job?.source.allowPlaintextLogin == true)
        #expect(result.job?.source.tls.verify == false)
    }

    @Test func caFileIsRelativeToTheJobFileAndMustExist() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      tls: { ca_file: certs/old-ca.pem }
                    """))
        defer { fixture.remove() }
        try fixture.write("-----BEGIN CERTIFICATE-----\n", to: "certs/old-ca.pem")
        let result = fixture.load()
        #expect(result.diagnostics.isEmpty, "\(result.listing)")
        #expect(result.job?.source.tls.caFile == fixture.directory.appendingPathComponent("certs/old-ca.pem").path)
    }

    @Test func missingCAFileIsAnErrorAtItsValue() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      tls:
                        ca_file: ‸certs/missing.pem
                    """))
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0), containing: "CA file 'certs/missing.pem' not found")
    }

    @Test func neverUpgradingWithoutPlaintextLoginIsAnError() throws {
        let fixture = try JobFixture(
            job: Self.job(
                source: """
                      host: h.example
                      protocol: imap4
                      starttls: ‸never
                    """))
        defer { fixture.remove() }
        expectDiagnostic(fixture.load(), .error, at: fixture.jobMark(0), containing: "set allow_plaintext_login: true")
    }

    @Test func sourceThatIsNotAMappingIsATypeError() throws {
        let fixture = try JobFixture(
            job: Self.job(source: "").replacingOccurrences(of: "source:\n", with: "source: ‸mail.old.example"))
        defer { fixture.remove() }
        expectDiagnostic(
            fixture.load(), .error, at: fixture.jobMark(0),
            containing: "expected a mapping for 'source', found a string")
    }
}
