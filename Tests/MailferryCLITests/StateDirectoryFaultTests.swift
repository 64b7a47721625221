#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// A state directory that fills up or turns read-only while `apply` runs: every ledger write
    /// that fails stops that user with the catalogued "state directory not writable" message, no
    /// process crashes, and a later run with a working state directory ends exact, without a
    /// duplicate (the destination is the truth). The state lives on a tmpfs the test mounts (root
    /// only, as the test servers are); without mount rights the test records why it did not run.
    @Suite(.serialized) struct StateDirectoryFaultTests {
        static let users = [("alice", "State-alice-pw-1"), ("bob", "State-bob-pw-2")]
        static let admin = ("admin", "State-admin-pw-0")
        /// Room left on the full tmpfs: enough for the database and the run's first rows.
        static var freeKilobytes: Int {
            ProcessInfo.processInfo.environment["MAILFERRY_STATE_FREE_KB"].flatMap(Int.init) ?? 160
        }

        /// A tmpfs of `kilobytes` mounted on a fresh folder; nil (with a recorded issue) without rights.
        static func mountTmpfs(kilobytes: Int) -> String? {
            let folder = NSTemporaryDirectory() + "mf-state-fault-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let result = shell("mount", "-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0700", "tmpfs", folder)
            guard result == 0 else {
                Issue.record("could not mount a tmpfs (needs root): the state-directory fault test did not run")
                return nil
            }
            return folder
        }

        static func unmount(_ folder: String) {
            _ = shell("umount", "-l", folder)
            try? FileManager.default.removeItem(atPath: folder)
        }

        @discardableResult
        static func shell(_ arguments: String...) -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return -1 }
            return process.waitForEnd().code
        }

        @Test func aFullStateDirectoryStopsUsersWithTheCataloguedErrorAndLosesNothing() async throws {
            try await Self.withServers { source, destination, fixture, binary, environment in
                guard let state = Self.mountTmpfs(kilobytes: 512) else { return }
                defer { Self.unmount(state) }
                // The disk filled up but for a few pages: the database and the run begin, and the
                // users' journal writes soon find the disk full.
                _ = Self.shell("sh", "-c", "dd if=/dev/zero of='\(state)/filler' bs=4k 2>/dev/null; true")
                _ = Self.shell("truncate", "-s", "-\(Self.freeKilobytes)k", "\(state)/filler")

                let full = try await binary.run(
                    ["apply", "--state-dir", state, fixture.jobPath], environment: environment)
                let output = full.stdout + full.stderr
                print(
                    "state-fault (full): exit \(full.status): \(output.split(separator: "\n").filter { $0.contains("not writable") || $0.contains("cannot open") }.prefix(2))"
                )
                #expect(full.status == 1 || full.status == 3, "\(output)")
                #expect(
                    output.contains("state directory not writable") || output.contains("cannot open the state"),
                    "\(output)")
                #expect(!output.contains("Fatal error"), "\(output)")
                if full.status == 3 {
                    // Users ran: each one that did not finish names the catalogued message.
                    #expect(output.contains("nothing was lost, the destination is the truth"), "\(output)")
                }

                // A working state directory next: everything arrives, nothing twice.
                let again = try await binary.run(["apply", fixture.jobPath], environment: environment)
                #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
                try Self.expectExact(source, destination)
            }
        }

        @Test func aReadOnlyStateDirectoryIsAClearErrorAndLosesNothing() async throws {
            try await Self.withServers { source, destination, fixture, binary, environment in
                guard let state = Self.mountTmpfs(kilobytes: 8192) else { return }
                defer { Self.unmount(state) }
                let first = try await binary.run(
                    ["apply", "--state-dir", state, fixture.jobPath], environment: environment)
                #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
                #expect(Self.shell("mount", "-o", "remount,ro", state) == 0)

                let readOnly = try await binary.run(
                    ["apply", "--state-dir", state, fixture.jobPath], environment: environment)
                let output = readOnly.stdout + readOnly.stderr
                print("state-fault (read-only): exit \(readOnly.status): \(output.prefix(300))")
                #expect(readOnly.status == 1 || readOnly.status == 3, "\(output)")
                #expect(
                    output.contains("state directory not writable") || output.contains("cannot open the state"),
                    "\(output)")
                #expect(!output.contains("Fatal error"), "\(output)")
                try Self.expectExact(source, destination)
            }
        }

        static func expectExact(_ source: DovecotServer, _ destination: DovecotServer) throws {
            for (user, password) in users {
                let comparison = try MailTools.compare(source, destination, user: user, password: password)
                #expect(comparison.identical, "\(user): \(comparison.report)")
                #expect(comparison.duplicates == 0 && comparison.extra == 0 && comparison.missing == 0)
            }
        }

        static func withServers(
            _ body: (DovecotServer, DovecotServer, JobFixture, MailferryBinary, [String: String]) async throws -> Void
        ) async throws {
            let source = try await DovecotServer.start(.init(users: users, masterUser: admin, pop3: false))
            let destination = try await DovecotServer.start(.init(users: users, masterUser: admin, pop3: false))
            do {
                let fixture = try JobFixture(
                    job: CrashResumeEndToEndTests.job(source: source, destination: destination)
                        .replacingOccurrences(of: "name: crash-resume", with: "name: state-fault"),
                    users: users.map { "\($0.0),\($0.1)\n" }.joined())
                defer { fixture.remove() }
                for (index, user) in users.enumerated() {
                    try MailTools.seed(source, user: user.0, seed: 31 + index)
                }
                try await body(
                    source, destination, fixture, try MailferryBinary.locate(), [JobFixture.adminVariable: admin.1])
            } catch {
                await source.stop()
                await destination.stop()
                throw error
            }
            await source.stop()
            await destination.stop()
        }
    }
#endif
