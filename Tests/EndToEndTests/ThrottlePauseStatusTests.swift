import Engine
import Foundation
import Ledger
import MailStores
import MailferryCore
import Synchronization
import TestSupport
import Testing

/// A user waiting out a throttle shows as `paused until …` in `status` (the real binary, text and
/// JSON) while the pause lasts, and as running again in the state `status` reads once it resumes.
@Suite(.serialized) struct ThrottlePauseStatusTests {
    /// `status` of the job as the built `mailferry` prints it.
    static func status(_ folder: TestJobFolder, json: Bool) throws -> String {
        let process = Process()
        process.executableURL = try mailferry()
        process.arguments =
            ["status", folder.directory + "/job.yaml", "--state-dir", folder.directory + "/state"]
            + (json ? ["--format", "json"] : [])
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let output = folder.directory + "/status-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        _ = process.waitForEnd()
        try handle.close()
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    /// The `mailferry` built next to the tests (`swift build --build-tests`).
    static func mailferry() throws -> URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates =
            Bundle.allBundles.filter { $0.bundlePath.hasSuffix(".xctest") }.map {
                $0.bundleURL.deletingLastPathComponent().appendingPathComponent("mailferry")
            } + [root.appendingPathComponent(".build/debug/mailferry")]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
    }

    /// Reads the user's state, as `status` does, when its folder starts again after the pause.
    final class StateAfterPause: MigrationObserver {
        let ledger: Ledger
        let paused = Mutex(false)
        let seen = Mutex<[UserResult]>([])

        init(ledger: Ledger) { self.ledger = ledger }

        func handle(_ event: MigrationEvent) {
            guard case .folderStarted = event, paused.withLock({ $0 }) else { return }
            if let result = try? ledger.latestUserResults().first { seen.withLock { $0.append(result) } }
        }
    }

    @Test func aThrottledUserShowsPausedUntilItResumes() async throws {
        let source = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let destination = try await DovecotServer.start(.init(users: [("alice", "alice-pw")], pop3: false))
        let proxy = try ThrottleProxy.start(
            targetPort: source.imapPort,
            acts: [.refuse(containing: "BODY.PEEK[]", text: "Request is throttled. Suggested Backoff Time: 90000 ms")])
        defer { proxy.stop() }
        try await DovecotServer.stopping([source, destination]) {
            try await ThrottleEndToEndTests.seedFiveMessages(source)
            let folder = try TestJobFolder(
                yaml: """
                    version: 1
                    name: pause-status
                    source: { host: 127.0.0.1, protocol: imap4, ports: { imap4: \(proxy.port) }, starttls: never, allow_plaintext_login: true }
                    destination:
                      imap: { host: 127.0.0.1, port: \(destination.imapsPort), security: tls, tls: { ca_file: \(destination.caFile) } }
                    users:
                      file: users.csv
                    """)
            defer { folder.remove() }
            let job = folder.job
            let account = try #require(job.accounts.first)
            let observer = StateAfterPause(ledger: folder.ledger)
            let during = Mutex<(text: String, json: String, at: Date)?>(nil)
            var migration = UserMigration(
                account: account, rules: job.folders, options: job.options, ledger: folder.ledger,
                connector: StoreFactory(job: job, environment: [:]).connector(for: account), observer: observer)
            // The 90 s the server asks for are not waited: status is asked in the middle of the pause.
            migration.pause = { _ in
                let text = try? await offCooperativePool { try Self.status(folder, json: false) }
                let json = try? await offCooperativePool { try Self.status(folder, json: true) }
                during.withLock { $0 = (text ?? "", json ?? "", Date()) }
                observer.paused.withLock { $0 = true }
            }
            let started = Date()
            let outcome = await migration.run(in: try folder.ledger.beginRun(command: .apply, startedAt: Date()))
            #expect(outcome.state == .done, "\(outcome.lastError ?? "")")
            #expect(outcome.counts.messagesCopied == 5)

            let seen = try #require(during.withLock { $0 })
            #expect(seen.text.contains("paused until "), "\(seen.text)")
            let data = try #require(seen.json.data(using: .utf8))
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(seen.json)")
            let users = try #require(document["users"] as? [[String: Any]], "\(seen.json)")
            let alice = try #require(users.first)
            #expect(alice["state"] as? String == "paused", "\(seen.json)")
            // resume_at is the hinted 90 s from when the pause began.
            let resumeText = try #require(alice["resume_at"] as? String, "\(seen.json)")
            let resumeAt = try #require(ISO8601DateFormatter().date(from: resumeText), "\(resumeText)")
            #expect(resumeAt >= started.addingTimeInterval(89) && resumeAt <= seen.at.addingTimeInterval(91))

            // Once resumed, the user runs again (its folder starts over) and ends done.
            let after = observer.seen.withLock { $0 }
            #expect(!after.isEmpty)
            #expect(after.allSatisfy { $0.state == .running && $0.resumeAt == nil }, "\(after)")
            let final = try await offCooperativePool { try Self.status(folder, json: false) }
            #expect(final.contains("done") && !final.contains("paused"), "\(final)")
        }
    }
}
