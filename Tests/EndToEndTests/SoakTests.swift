import Engine
import Foundation
import IMAP
import JobSpec
import Ledger
import MailStores
import MailTransport
import MailferryCore
import NIOCore
import TestSupport
import Testing

/// `apply` repeated through fault-injecting proxies in front of both real servers (cuts during login,
/// in FETCH responses and APPEND literals, stalls, delays) while new mail keeps arriving at the
/// source, then one clean `apply`: the destination must equal the source exactly, with no message
/// missing and none twice.
///
/// Scale with MAILFERRY_SOAK_FAULTS (cuts and stalls to inject, default 200) and
/// MAILFERRY_SOAK_SEED (default 20261129); the same seed draws the same fault schedules for the same
/// connection numbers. MAILFERRY_SOAK_TLS=1 runs over the implicit-TLS ports instead (the proxies
/// then cannot tell where a cut landed: cuts count as "elsewhere").

@Suite(.serialized) struct SoakTests {
    static let users = (0..<4).map { ("soak\($0)", "soak\($0)-pw") }

    struct Figures {
        var runs = 0
        var delivered = 0
        var faults: [FaultKind: Int] = [:]
        var userRuns: [UserState: Int] = [:]
        /// Why users ended a faulty run without completing, by the error's first words.
        var reasons: [String: Int] = [:]
    }

    @Test(.timeLimit(.minutes(15))) func applyThroughFaultsConvergesToAnExactCopy() async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = environment["MAILFERRY_SOAK_FAULTS"].flatMap(Int.init) ?? 200
        let seed = environment["MAILFERRY_SOAK_SEED"].flatMap(UInt64.init) ?? 20_261_129
        try await soak(target: target, seed: seed, tls: environment["MAILFERRY_SOAK_TLS"] == "1")
    }

    /// The same over the implicit-TLS ports, smaller (MAILFERRY_SOAK_TLS_FAULTS, default 40): cuts
    /// then land inside TLS records, which the proxies cannot place.
    @Test(.timeLimit(.minutes(10))) func applyOverTLSThroughFaultsConvergesToAnExactCopy() async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = environment["MAILFERRY_SOAK_TLS_FAULTS"].flatMap(Int.init) ?? 40
        let seed = environment["MAILFERRY_SOAK_SEED"].flatMap(UInt64.init) ?? 20_261_129
        try await soak(target: target, seed: seed &+ 7, tls: true)
    }

    func soak(target: Int, seed: UInt64, tls: Bool) async throws {

        let source = try await DovecotServer.start(.init(users: Self.users, pop3: false))
        let destination = try await DovecotServer.start(.init(users: Self.users, pop3: false))
        let directory = NSTemporaryDirectory() + "mf-soak-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await DovecotServer.stopping([source, destination]) {
            // Faults on most connections; cut and stall points spread log-uniformly from 64 bytes to 2 MB.
            let proxyConfiguration = FaultProxy.Configuration(
                seed: seed, faultPercent: 80, minFaultOffset: 64, maxFaultOffset: 2 << 20, maxDelay: .milliseconds(800))
            let sourceProxy = try FaultProxy.start(
                targetPort: tls ? source.imapsPort : source.imapPort, configuration: proxyConfiguration)
            var destinationConfiguration = proxyConfiguration
            destinationConfiguration.seed = seed &+ 1
            let destinationProxy = try FaultProxy.start(
                targetPort: tls ? destination.imapsPort : destination.imapPort, configuration: destinationConfiguration)
            defer {
                sourceProxy.stop()
                destinationProxy.stop()
            }

            let setupStarted = ContinuousClock.now
            var generator = SplitMix64(seed: seed)
            var seededMessages = 0
            for (index, (user, password)) in Self.users.enumerated() {
                seededMessages += try await SourceSeeder.seed(
                    host: source.host, port: source.imapsPort, caFile: source.caFile, user: user, password: password,
                    variant: index
                ).messages
                // A few 200 KB - 1 MB messages, so that cuts land inside FETCH and APPEND literals.
                seededMessages += try await deliver(
                    to: source, user: user, password: password, count: 3, bigKB: 200...1000, generator: &generator)
            }

            let job = try makeJob(
                directory: directory, sourcePort: sourceProxy.port, destinationPort: destinationProxy.port,
                caFile: tls ? source.caFile : nil)  // both servers use the one cached test certificate
            let ledger = try Ledger.open(directory: directory + "/state")
            var figures = Figures()
            let started = ContinuousClock.now
            let setupDuration = started - setupStarted
            while sourceProxy.disruptiveFaults + destinationProxy.disruptiveFaults < target, figures.runs < 400 {
                // New mail keeps arriving between runs, so later runs still copy (and get cut while copying).
                let (user, password) = Self.users[Int(generator.next() % UInt64(Self.users.count))]
                figures.delivered += try await deliver(
                    to: source, user: user, password: password, count: 1, bigKB: 0...0, generator: &generator)
                if figures.runs % 3 == 0 {
                    figures.delivered += try await deliver(
                        to: source, user: user, password: password, count: 1, bigKB: 100...500, generator: &generator)
                }
                for outcome in try await apply(job, ledger: ledger).values {
                    figures.userRuns[outcome.state, default: 0] += 1
                    if outcome.state != .done, let error = outcome.lastError {
                        figures.reasons[String(error.prefix(50)), default: 0] += 1
                    }
                }
                figures.runs += 1
            }
            let faultyDuration = ContinuousClock.now - started

            // The clean run: the same proxies, passing everything.
            sourceProxy.faultsEnabled = false
            destinationProxy.faultsEnabled = false
            let cleanStarted = ContinuousClock.now
            let clean = try await apply(job, ledger: ledger)
            let cleanDuration = ContinuousClock.now - cleanStarted
            for (user, outcome) in clean {
                #expect(outcome.state == .done, "clean run for \(user): \(outcome.lastError ?? "")")
            }

            for kind in FaultKind.allCases {
                figures.faults[kind] = (sourceProxy.faults[kind] ?? 0) + (destinationProxy.faults[kind] ?? 0)
            }
            let disruptive = figures.faults.filter { $0.key != .delay }.values.reduce(0, +)
            #expect(disruptive >= target, "only \(disruptive) faults in \(figures.runs) runs")
            if !tls, target >= 100 {  // a small run may miss a kind; 200 faults give each more than 5
                #expect((figures.faults[.cutDuringLogin] ?? 0) > 0)
                #expect((figures.faults[.cutInFetch] ?? 0) > 0)
                #expect((figures.faults[.cutInAppendLiteral] ?? 0) > 0)
            }
            #expect((figures.faults[.stall] ?? 0) > 0)

            // The verdict of scripts/compare-mailboxes.py, which shares no code with mailferry's IMAP
            // client: per folder the multiset of (sha256 of BODY[], flags, INTERNALDATE), folders and
            // subscriptions; a body it cannot fetch is an error, never "equal".
            let compareStarted = ContinuousClock.now
            var compared = 0
            var duplicates = 0
            var missing = 0
            for (user, password) in Self.users {
                let comparison = try MailTools.compare(source, destination, user: user, password: password)
                #expect(comparison.identical, "\(user): \(comparison.report)")
                #expect(comparison.matched == comparison.messagesA && comparison.messagesB == comparison.messagesA)
                #expect(comparison.foldersMissing.isEmpty && comparison.foldersExtra.isEmpty, "folders of \(user)")
                compared += comparison.messagesA
                duplicates += comparison.duplicates + comparison.extra
                missing += comparison.missing
            }
            #expect(compared == seededMessages + figures.delivered)
            #expect(duplicates == 0)
            #expect(missing == 0)

            let kinds = FaultKind.allCases.map { "\($0.rawValue) \(figures.faults[$0] ?? 0)" }.joined(separator: ", ")
            let states = figures.userRuns.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            print(
                """
                soak (seed \(seed)\(tls ? ", TLS" : "")): \(disruptive) faults injected (\(kinds)) over \
                \(sourceProxy.connections + destinationProxy.connections) proxied connections in \
                \(figures.runs) faulty runs (\(faultyDuration)); user results \(states); then 1 clean run; \
                \(compared) messages in \(Self.users.count) mailboxes compared (\(figures.delivered) arrived during \
                the soak): duplicates \(duplicates), missing \(missing); \
                reasons users stopped short: \(figures.reasons.sorted { $0.key < $1.key }); \
                times: seeding \(setupDuration), clean run \(cleanDuration), comparison \(ContinuousClock.now - compareStarted)
                """)
        }
    }

    /// One `apply` of every user, as the CLI runs it.
    func apply(_ job: Job, ledger: Ledger) async throws -> [String: UserOutcome] {
        let factory = StoreFactory(job: job, environment: [:])
        let run = try ledger.beginRun(command: .apply, startedAt: Date())
        let outcomes = await ApplyRun(
            rules: job.folders, options: job.options, ledger: ledger, runID: run, retryDelay: .milliseconds(10),
            maximumRetryDelay: .milliseconds(50)
        ) { factory.connector(for: $0) }.outcomes(job.accounts, concurrency: job.options.concurrency)
        try ledger.finishRun(run, finishedAt: Date(), outcome: .completed)
        return outcomes
    }

    /// Both sides through the proxies: on the plain IMAP ports, so that the proxies can read the
    /// commands and say where each cut landed, or with `caFile` on the implicit-TLS ports. Short
    /// timeouts make stalls resolve fast.
    func makeJob(directory: String, sourcePort: Int, destinationPort: Int, caFile: String?) throws -> Job {
        let sourceSecurity =
            caFile.map { "protocol: imap4s\n  ports: { imap4s: \(sourcePort) }\n  tls: { ca_file: \($0) }" }
            ?? "protocol: imap4\n  ports: { imap4: \(sourcePort) }\n  starttls: never\n  allow_plaintext_login: true"
        let destinationSecurity =
            caFile.map { "security: tls\n    tls: { ca_file: \($0) }" }
            ?? "security: none\n    allow_plaintext_login: true"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let yaml = """
            version: 1
            name: soak
            source:
              host: 127.0.0.1
              \(sourceSecurity)
              timeout: 2s
            destination:
              imap:
                host: 127.0.0.1
                port: \(destinationPort)
                \(destinationSecurity)
                timeout: 2s
            users:
              file: users.csv
            options:
              concurrency: \(Self.users.count)
              retries: 2
            """
        try yaml.write(toFile: directory + "/job.yaml", atomically: true, encoding: .utf8)
        let lines = Self.users.map { "\($0.0),\($0.1),\($0.0),\($0.1)\n" }.joined()
        try lines.write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        chmod(directory + "/users.csv", 0o600)
        let loaded = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: directory + "/job.yaml")
        return try #require(loaded.job, "job invalid: \(loaded.diagnostics.map(\.message))")
    }

    /// Appends `count` messages straight to the source (not through a proxy) into INBOX or Work.
    func deliver(
        to server: DovecotServer, user: String, password: String, count: Int, bigKB: ClosedRange<Int>,
        generator: inout SplitMix64
    ) async throws -> Int {
        let client = try await IMAPClient.connect(
            IMAPClientConfiguration(
                host: server.host, port: server.imapsPort, security: .implicitTLS,
                tls: TLSOptions(caFile: server.caFile)))
        try await client.login(user: user, password: password)
        for _ in 0..<count {
            let size = bigKB.lowerBound + Int(generator.next() % UInt64(bigKB.count))
            let number = Int(generator.next() % 100_000)
            let body = SourceSeeder.message(
                user: user, folder: 99, number: number, withMessageID: number % 4 != 0, bigKB: size,
                generator: &generator)
            let folder = generator.next() % 2 == 0 ? "INBOX" : "Work"
            let flags = generator.next() % 2 == 0 ? ["\\Seen"] : []
            _ = try await client.append(
                to: folder, IMAPAppendMessage(flags: flags, source: .buffer(ByteBuffer(bytes: body))))
        }
        try await client.logout()
        return count
    }
}
