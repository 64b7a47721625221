import Foundation
import TestSupport
import Testing

/// OAuth2's secrets (client secret, issued tokens, a service account's private key) against a real
/// token service and OAuth2-only Dovecot servers; `SecretsTests` covers passwords.
@Suite struct OAuth2SecretsTests {
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
        let service = try await OAuth2TokenService.start(
            .init(
                lifetime: 30, clients: [("app", clientSecret)], serviceAccounts: [(email, key.publicKeyFile)],
                mailboxes: ["alice"]))
        defer { service.stop() }
        let source = try await DovecotServer.start(
            .init(users: [("alice", "unused")], pop3: false, oauth2TokensFile: service.tokensFile))
        let destination = try await DovecotServer.start(
            .init(users: [("alice", "unused")], pop3: false, oauth2TokensFile: service.tokensFile))
        try await DovecotServer.stopping([source, destination]) {
            for number in 1...2 {
                try source.deliver(
                    Data("Subject: \(number)\r\nMessage-ID: <s\(number)@x>\r\n\r\nbody\r\n".utf8), to: "alice")
            }
            try fixture.write(
                """
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
                ["validate", "--format", "json"], ["validate"], ["plan", "--offline"],
                ["plan", "--offline", "--format", "json"],
                ["plan", "--offline", "--format", "markdown"], ["plan", "--verbose"], ["apply", "--verbose"],
                ["status"],
            ] {
                let result = try await binary.run(
                    arguments + [fixture.jobPath], environment: ["MF_CLIENT_SECRET": clientSecret])
                outputs += [result.stdout, result.stderr]
                if arguments.first == "apply" { #expect(result.status == 0, "\(result.stdout)\(result.stderr)") }
                if arguments == ["plan", "--offline"] {
                    #expect(result.stdout.contains("Sign-in source: oauth2 (client credentials, \(service.tokenURL))"))
                    #expect(
                        result.stdout.contains(
                            "Sign-in destination: oauth2 (service account, key service-account.json)"))
                }
                if arguments == ["apply", "--verbose"] {
                    #expect(result.stderr.contains("AUTHENTICATE OAUTHBEARER <redacted>"), "\(result.stderr)")
                }
            }
            outputs.append(try await binary.run(["logs", fixture.jobPath, "alice"]).stdout)

            // Literal secrets written into a job file are diagnostics whose source lines are echoed masked.
            let literalSecret = "Literal-CLIENT-secret-3321"
            let literalToken = "ya29.Literal-TOKEN-7781"
            try fixture.write(
                """
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
                let result = try await binary.run(["validate", "--format", format, fixture.path("literal.yaml")])
                #expect(result.status == 1, "a literal token is an error")
                for secret in [literalSecret, literalToken] {
                    #expect(
                        !result.stdout.contains(secret) && !result.stderr.contains(secret),
                        "\(format) printed \(secret)")
                }
            }

            let tokens = try String(contentsOfFile: service.tokensFile, encoding: .utf8).split(separator: "\n")
                .compactMap { $0.split(separator: " ").first.map(String.init) }
            #expect(!tokens.isEmpty, "the run signed in with issued tokens")
            let keyJSON = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: key.keyFile)))
                    as? [String: String])
            let pem = try #require(keyJSON["private_key"])
            let pemLines = pem.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") }
            let secrets =
                [
                    clientSecret, pem, pem.replacingOccurrences(of: "\n", with: "\\n"),
                    Data(pem.utf8).base64EncodedString(), pemLines.joined(),
                ] + pemLines + tokens
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
