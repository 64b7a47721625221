#if os(Linux)
    import Foundation

    /// The repository's Swift-independent judges, scripts/corpus.py and scripts/compare-mailboxes.py:
    /// they seed a source Maildir and compare two accounts over IMAP exactly (per folder the multiset of
    /// sha256 of BODY[], flags and INTERNALDATE, plus folders and subscriptions), so that what mailferry
    /// did is judged by code that does not share its IMAP client.
    public enum MailTools {
        /// compare-mailboxes.py's `--json` report, the figures a test asserts on.
        public struct Comparison: Sendable {
            public var identical: Bool
            public var folders: [String: Int]
            public var messagesA: Int
            public var messagesB: Int
            public var matched: Int
            public var missing: Int
            public var extra: Int
            public var duplicates: Int
            public var mismatches: Int
            public var foldersMissing: [String]
            public var foldersExtra: [String]
            public var report: String
        }

        struct Failure: Error, CustomStringConvertible {
            public var description: String
        }

        public static var scripts: String { DovecotServer.repositoryRoot + "/scripts" }

        /// Writes the `profile` corpus with `seed` into the user's Maildir on `server`, owned by its mail user.
        public static func seed(_ server: DovecotServer, user: String, profile: String = "e2e", seed: Int) throws {
            let result = try run([
                "\(scripts)/corpus.py", "seed", "--maildir", server.mailDirectory(for: user), "--profile", profile,
                "--seed", String(seed), "--owner", "\(server.mailUID):\(server.mailGID)", "--quiet",
            ])
            guard result.status == 0 else { throw Failure(description: "corpus.py seed failed: \(result.output)") }
        }

        /// Compares `user` on `a` with `user` on `b` (both logging in with `password`, over implicit TLS).
        public static func compare(
            _ a: DovecotServer, _ b: DovecotServer, user: String, password: String, subscriptions: Bool = true
        ) throws -> Comparison {
            var arguments = [
                "\(scripts)/compare-mailboxes.py",
                "--a", "\(a.host):\(a.imapsPort):\(user)::tls:\(a.caFile)", "--a-password-env", "MF_COMPARE_PASSWORD",
                "--b", "\(b.host):\(b.imapsPort):\(user)::tls:\(b.caFile)", "--b-password-env", "MF_COMPARE_PASSWORD",
                "--json",
            ]
            if !subscriptions { arguments.append("--no-subscriptions") }
            let result = try run(arguments, environment: ["MF_COMPARE_PASSWORD": password])
            // 0 identical, 1 differences; 2 is a usage, connection or login error.
            guard result.status == 0 || result.status == 1,
                let document = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
                let totals = document["totals"] as? [String: Any],
                let folders = document["folders"] as? [String: [String: Any]]
            else { throw Failure(description: "compare-mailboxes.py failed (\(result.status)): \(result.output)") }
            func total(_ key: String) -> Int { totals[key] as? Int ?? -1 }
            return Comparison(
                identical: document["identical"] as? Bool ?? false,
                folders: folders.mapValues { $0["b"] as? Int ?? -1 },
                messagesA: total("a"), messagesB: total("b"), matched: total("matched"), missing: total("missing"),
                extra: total("extra"), duplicates: total("duplicates"),
                mismatches: total("altered") + total("flag_mismatches") + total("date_mismatches"),
                foldersMissing: document["folders_missing"] as? [String] ?? [],
                foldersExtra: document["folders_extra"] as? [String] ?? [],
                report: result.output)
        }

        /// Message files Dovecot holds for `user` (INBOX and every folder; `tmp/` excluded): a cheap count
        /// that follows an apply while it runs, without an IMAP session of its own.
        public static func storedMessages(_ server: DovecotServer, user: String) -> Int {
            let manager = FileManager.default
            var count = 0
            for folder in maildirFolders(server, user: user) {
                for sub in ["cur", "new"] {
                    count += (try? manager.contentsOfDirectory(atPath: folder + "/" + sub))?.count ?? 0
                }
            }
            return count
        }

        /// Whether Dovecot is receiving an APPEND literal for `user` of at least `minimumBytes` so far:
        /// it writes the message into `tmp/` as it arrives and moves it to `new/` or `cur/` at the end.
        public static func receivingMessage(_ server: DovecotServer, user: String, minimumBytes: Int) -> Bool {
            let manager = FileManager.default
            for folder in maildirFolders(server, user: user) {
                for name in (try? manager.contentsOfDirectory(atPath: folder + "/tmp")) ?? [] {
                    let size = (try? manager.attributesOfItem(atPath: folder + "/tmp/" + name))?[.size] as? Int ?? 0
                    if size >= minimumBytes { return true }
                }
            }
            return false
        }

        /// The user's Maildir root (INBOX) and its Maildir++ folder directories.
        private static func maildirFolders(_ server: DovecotServer, user: String) -> [String] {
            let root = server.mailDirectory(for: user)
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            return [root] + entries.filter { $0.hasPrefix(".") && $0 != "." && $0 != ".." }.map { root + "/" + $0 }
        }

        /// Maildir++ folder directories (`.Name`) below the user's root: what a CREATE leaves on disk.
        public static func folderDirectories(_ server: DovecotServer, user: String) -> [String] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: server.mailDirectory(for: user))) ?? []
            return entries.filter { name in
                var isDirectory: ObjCBool = false
                return name.hasPrefix(".")
                    && FileManager.default.fileExists(
                        atPath: server.mailDirectory(for: user) + "/" + name, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
        }

        static func run(_ command: [String], environment extra: [String: String] = [:]) throws
            -> (status: Int32, output: String)
        {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + command
            process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // stdout is the JSON report; the scripts write little to stderr, so reading it second cannot block.
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let errorData = errors.fileHandleForReading.readDataToEndOfFile()
            let status = process.waitForEnd().code
            let text = String(decoding: data, as: UTF8.self)
            return (
                status,
                status == 0 || errorData.isEmpty
                    ? text : text + String(decoding: errorData, as: UTF8.self)
            )
        }
    }
#endif
