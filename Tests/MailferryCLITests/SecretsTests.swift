import Foundation
import TestSupport
import Testing

/// No password from a users file and no `env:` secret may appear in any output of any command,
/// in any format, nor in any file a command writes.
@Suite struct SecretsTests {
    /// Each password, and each part of one around the delimiter (a masked line keeps delimiters).
    static let secrets =
        JobFixture.userPasswords + JobFixture.userPasswords.flatMap { $0.split(separator: ",").map(String.init) }
        + [JobFixture.adminSecret]

    /// A users file with problems, so that diagnostics point into lines holding passwords.
    static let brokenUsers = """
        alice,\(JobFixture.userPasswords[0]),alice.new,extra,fields,here
        bob,\(JobFixture.userPasswords[1])
        bob,"\(JobFixture.userPasswords[2])"
        "carol,x",\(JobFixture.userPasswords[0]),too,many,fields

        """

    @Test func noCommandOrFormatPrintsASecret() throws {
        // Servers that cannot be reached, so that the online commands run through to the end.
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let broken = try JobFixture(users: Self.brokenUsers)
        defer { broken.remove() }
        let binary = try MailferryBinary.locate()
        let out = fixture.path("plan.json")
        var runs: [[String]] = []
        for job in [fixture.jobPath, broken.jobPath] {
            for format in ["text", "github", "json"] {
                runs.append(["validate", "--format", format, job])
                runs.append(["validate", "--strict", "--format", format, job])
            }
            for format in ["text", "markdown", "json"] {
                runs.append(["plan", "--offline", "--format", format, "--out", out, job])
                runs.append(["plan", "--offline", "--detailed-exitcode", "--format", format, "--user", "bob", job])
            }
            runs.append(["plan", job])
            runs.append(["plan", "--verbose", job])
            runs.append(["apply", "--verbose", job])
            runs.append(["plan", "--format", "json", job])
            runs.append(["apply", "--dry-run", job])
            runs.append(["apply", job])
            runs.append(["apply", "--format", "json", "--plan", out, job])
            runs.append(["status", job])
            runs.append(["status", "--format", "json", job])
            for user in ["alice", "bob", "carol@old.example"] { runs.append(["logs", job, user]) }
        }
        runs.append(["schema"])
        runs.append(["--help"])
        runs.append(["init", fixture.path("scaffold")])

        var brokenReported = false
        for arguments in runs {
            let result = try binary.run(arguments, environment: JobFixture.environment)
            for secret in Self.secrets {
                #expect(!result.stdout.contains(secret), "\(arguments) printed a secret on stdout")
                #expect(!result.stderr.contains(secret), "\(arguments) printed a secret on stderr")
            }
            if arguments.contains(broken.jobPath) && arguments.first == "validate" && result.status == 1 {
                brokenReported = true
            }
        }
        #expect(brokenReported, "the broken users file must produce diagnostics")
        let planFile = try String(contentsOfFile: out, encoding: .utf8)
        for secret in Self.secrets {
            #expect(!planFile.contains(secret))
        }
        // The state: SQLite database (and its WAL) and every log, byte for byte.
        let state = fixture.stateDirectory
        let stateFiles = FileManager.default.enumerator(atPath: state)?.allObjects as? [String] ?? []
        #expect(stateFiles.contains("state.sqlite"), "apply ran and wrote state")
        #expect(stateFiles.contains { $0.hasPrefix("logs/") }, "apply wrote logs")
        for path in stateFiles {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: state + "/" + path))) ?? Data()
            for secret in Self.secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) holds a secret")
            }
        }
        let written = FileManager.default.enumerator(atPath: fixture.path("scaffold"))?.allObjects as? [String] ?? []
        for path in written {
            let text = (try? String(contentsOfFile: fixture.path("scaffold/\(path)"), encoding: .utf8)) ?? ""
            for secret in Self.secrets { #expect(!text.contains(secret)) }
        }
    }

    /// OAuth2: the client secret, every token the service issued and the service account's private key
    /// (as PEM, its base64 lines, JSON-escaped and base64-encoded whole) appear in no output and no state
    /// file, through a real sign-in with `--verbose` traces on OAuth2-only servers.
    @Test func noOAuth2SecretAppears() async throws {
        _ = try await OAuth2TokenService.ensureTestCertificate()
        let fixture = try JobFixture(job: "version: 1\n", users: "alice,\n")
        defer { fixture.remove() }
        let email = "secrets@mailferry-test.iam.gserviceaccount.com"
        let key = try await OAuth2TokenService.makeServiceAccountKey(
            in: fixture.directory.path, email: email, tokenURI: "https://oauth2.googleapis.com/token")
        let clientSecret = "OAuthClient-SECRET-8812-qq"
        let service = try await OAuth2TokenService.start(.init(
            lifetime: 30, clients: [("app", clientSecret)], serviceAccounts: [(email, key.publicKeyFile)],
            mailboxes: ["alice"]))
        defer { service.stop() }
        let source = try await DovecotServer.start(.init(users: [("alice", "unused")], pop3: false, oauth2TokensFile: service.tokensFile))
        let destination = try await DovecotServer.start(
            .init(users: [("alice", "unused")], pop3: false, oauth2TokensFile: service.tokensFile))
        try await DovecotServer.stopping([source, destination]) {
            for number in 1...2 {
                try source.deliver(Data("Subject: \(number)\r\nMessage-ID: <s\(number)@x>\r\n\r\nbody\r\n".utf8), to: "alice")
            }
            try fixture.write("""
                version: 1
                name: fixture-job
                source:
                  host: 127.0.0.1
                  protocol: imap4s
                  ports: { imap4s: \(source.imapsPort) }
                  tls: { ca_file: \(source.caFile) }
                  auth:
                    oauth2:
                      client_credentials:
                        client_id: app
                        client_secret: env:MF_CLIENT_SECRET
                        token_url: \(service.tokenURL)
                destination:
                  imap:
                    host: 127.0.0.1
                    port: \(destination.imapsPort)
                    tls: { ca_file: \(destination.caFile) }
                    auth:
                      oauth2:
                        service_account:
                          key_file: \(key.keyFile)
                          token_url: \(service.tokenURL)
                users:
                  file: users.csv

                """, to: "job.yaml")
            let binary = try MailferryBinary.locate()
            var outputs: [String] = []
            for arguments in [
                ["validate", "--format", "json"], ["validate"], ["plan", "--offline"], ["plan", "--offline", "--format", "json"],
                ["plan", "--offline", "--format", "markdown"], ["plan", "--verbose"], ["apply", "--verbose"], ["status"],
            ] {
                let result = try binary.run(arguments + [fixture.jobPath], environment: ["MF_CLIENT_SECRET": clientSecret])
                outputs += [result.stdout, result.stderr]
                if arguments.first == "apply" { #expect(result.status == 0, "\(result.stdout)\(result.stderr)") }
                if arguments == ["plan", "--offline"] {
                    #expect(result.stdout.contains("Sign-in source: oauth2 (client credentials, \(service.tokenURL))"))
                    #expect(result.stdout.contains("Sign-in destination: oauth2 (service account, key service-account.json)"))
                }
                if arguments == ["apply", "--verbose"] {
                    #expect(result.stderr.contains("AUTHENTICATE OAUTHBEARER <redacted>"), "\(result.stderr)")
                }
            }
            outputs.append(try binary.run(["logs", fixture.jobPath, "alice"]).stdout)

            // Literal secrets written into a job file are diagnostics whose source lines are echoed masked.
            let literalSecret = "Literal-CLIENT-secret-3321"
            let literalToken = "ya29.Literal-TOKEN-7781"
            try fixture.write("""
                version: 1
                source:
                  host: mail.old.example
                  auth: { oauth2: { client_credentials: { tenant: t.example, client_id: app, client_secret: \(literalSecret) } } }
                destination:
                  imap:
                    host: mail.new.example
                    auth:
                      oauth2:
                        token: \(literalToken)
                users:
                  file: users.csv

                """, to: "literal.yaml")
            for format in ["text", "github", "json"] {
                let result = try binary.run(["validate", "--format", format, fixture.path("literal.yaml")])
                #expect(result.status == 1, "a literal token is an error")
                for secret in [literalSecret, literalToken] {
                    #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(format) printed \(secret)")
                }
            }

            let tokens = try String(contentsOfFile: service.tokensFile, encoding: .utf8).split(separator: "\n")
                .compactMap { $0.split(separator: " ").first.map(String.init) }
            #expect(!tokens.isEmpty, "the run signed in with issued tokens")
            let keyJSON = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: key.keyFile))) as? [String: String])
            let pem = try #require(keyJSON["private_key"])
            let pemLines = pem.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") }
            let secrets = [clientSecret, pem, pem.replacingOccurrences(of: "\n", with: "\\n"),
                Data(pem.utf8).base64EncodedString(), pemLines.joined()] + pemLines + tokens
            for output in outputs {
                for secret in secrets { #expect(!output.contains(secret), "an output holds a secret") }
            }
            let state = fixture.stateDirectory
            let stateFiles = FileManager.default.enumerator(atPath: state)?.allObjects as? [String] ?? []
            #expect(stateFiles.contains("state.sqlite"))
            for path in stateFiles {
                let data = (try? Data(contentsOf: URL(fileURLWithPath: state + "/" + path))) ?? Data()
                for secret in secrets {
                    #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) holds a secret")
                }
            }
        }
    }
}
