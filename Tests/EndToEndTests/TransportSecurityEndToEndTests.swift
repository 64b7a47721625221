import Engine
import Foundation
import JobSpec
import Ledger
import MailStores
import MailferryCore
import TestSupport
import Testing

/// TLS and credential rules as a job configures them, through the engine's stores against a real
/// Dovecot: verification on by default, host names checked, STARTTLS enforced, a downgrade
/// (a proxy that strips STARTTLS from the capabilities) caught before any credential is sent.
@Suite(.serialized) struct TransportSecurityEndToEndTests {
    struct Result {
        var outcome: UserOutcome
        var message: String { outcome.lastError ?? "" }
    }

    /// Runs alice's migration with `sourceYAML` as the job's `source:` block, into a Maildir.
    func migrate(sourceYAML: String) async throws -> Result {
        let directory = NSTemporaryDirectory() + "mf-security-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
            version: 1
            name: security
            source:
            \(sourceYAML.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
              timeout: 5s
            destination:
              maildir:
                path: "\(directory)/maildir/{user}"
            users:
              file: users.csv
            options:
              retries: 0
            """
        try yaml.write(toFile: directory + "/job.yaml", atomically: true, encoding: .utf8)
        try "alice,alice-pw\n".write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        chmod(directory + "/users.csv", 0o600)
        let loaded = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: directory + "/job.yaml")
        let job = try #require(loaded.job, "job invalid: \(loaded.diagnostics.map(\.message))")
        let ledger = try Ledger.open(directory: directory + "/state")
        let account = try #require(job.accounts.first)
        let factory = StoreFactory(job: job, environment: [:])
        let outcome = try #require(
            await ApplyRun(
                rules: job.folders, options: job.options, ledger: ledger,
                runID: try ledger.beginRun(command: .apply, startedAt: Date())
            ) { factory.connector(for: $0) }.outcomes([account], concurrency: 1)[account.sourceUser])
        return Result(outcome: outcome)
    }

    static func sentCredentials(_ proxy: FaultProxy) -> Bool {
        let text = String(decoding: proxy.clientBytes, as: UTF8.self).uppercased()
        return text.contains(" LOGIN ") || text.contains(" AUTHENTICATE ") || text.contains("ALICE-PW")
    }

    @Test func certificateVerificationIsOnByDefaultAndNamesTheCAFileOption() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([server]) {
            let refused = try await migrate(
                sourceYAML: """
                    host: 127.0.0.1
                    protocol: imap4s
                    ports: { imap4s: \(server.imapsPort) }
                    """)
            #expect(refused.outcome.state == .failed)
            #expect(refused.message.contains("certificate verification failed"), "\(refused.message)")
            #expect(refused.message.contains("ca_file"), "\(refused.message)")

            let trusted = try await migrate(
                sourceYAML: """
                    host: 127.0.0.1
                    protocol: imap4s
                    ports: { imap4s: \(server.imapsPort) }
                    tls: { ca_file: \(server.caFile) }
                    """)
            #expect(trusted.outcome.state == .done, "\(trusted.message)")
        }
    }

    @Test func hostNameMissingFromTheCertificateIsRefused() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([server]) {
            // The certificate names localhost, 127.0.0.1 and ::1; 127.0.0.2 reaches the same server.
            let proxy = try FaultProxy.start(targetPort: server.imapsPort, listenHost: "127.0.0.2")
            defer { proxy.stop() }
            let refused = try await migrate(
                sourceYAML: """
                    host: 127.0.0.2
                    protocol: imap4s
                    ports: { imap4s: \(proxy.port) }
                    tls: { ca_file: \(server.caFile) }
                    """)
            #expect(refused.outcome.state == .failed)
            #expect(refused.message.contains("certificate verification failed"), "\(refused.message)")
            #expect(!Self.sentCredentials(proxy))
        }
    }

    @Test func startTLSDowngradeIsCaughtBeforeCredentialsAreSent() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        try await DovecotServer.stopping([server]) {
            func source(_ port: Int, _ extra: String) -> String {
                """
                host: 127.0.0.1
                protocol: imap4
                ports: { imap4: \(port) }
                tls: { ca_file: \(server.caFile) }
                \(extra)
                """
            }
            // Honest path: STARTTLS goes out in clear, the login only inside TLS.
            let transparent = try FaultProxy.start(targetPort: server.imapPort)
            defer { transparent.stop() }
            let upgraded = try await migrate(sourceYAML: source(transparent.port, "starttls: required"))
            #expect(upgraded.outcome.state == .done, "\(upgraded.message)")
            #expect(String(decoding: transparent.clientBytes, as: UTF8.self).contains("STARTTLS"))
            #expect(!Self.sentCredentials(transparent))

            let attacker = try FaultProxy.start(
                targetPort: server.imapPort, configuration: .init(stripSTARTTLS: true))
            defer { attacker.stop() }
            let required = try await migrate(sourceYAML: source(attacker.port, "starttls: required"))
            #expect(required.outcome.state == .failed)
            #expect(required.message.contains("does not offer STARTTLS"), "\(required.message)")
            #expect(!Self.sentCredentials(attacker))

            let optional = try await migrate(sourceYAML: source(attacker.port, "starttls: optional"))
            #expect(optional.outcome.state == .failed)
            #expect(optional.message.contains("refusing to send credentials"), "\(optional.message)")
            #expect(!Self.sentCredentials(attacker))

            // Only the explicit opt-in lets credentials cross the downgraded link (the control).
            let allowed = try await migrate(
                sourceYAML: source(attacker.port, "starttls: optional\nallow_plaintext_login: true"))
            #expect(allowed.outcome.state == .done, "\(allowed.message)")
            #expect(Self.sentCredentials(attacker))
        }
    }
}
