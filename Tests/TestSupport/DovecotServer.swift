// A real Dovecot on 127.0.0.1 for integration tests, started by scripts/dovecot-server.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One self-contained Dovecot instance (IMAP, IMAPS, POP3, POP3S) with its own users and mail
/// storage on tmpfs. Start it with `DovecotServer.start(_:)`, always `stop()` it.
public final class DovecotServer: Sendable {
    public enum Namespace: String, Sendable {
        /// Personal namespace, separator `/`, empty prefix; Sent/Drafts/Trash/Junk/Archive carry
        /// their SPECIAL-USE attribute once a test creates them.
        case `default`
        /// Courier-IMAP style: prefix `INBOX.`, separator `.`, no SPECIAL-USE attributes.
        case courier
    }

    public struct Options: Sendable {
        /// (name, password) pairs. Names use [A-Za-z0-9._@+-]; passwords have no ':' or line break.
        public var users: [(String, String)]
        /// (name, password) of a Dovecot master user: `alice*admin` logins and SASL PLAIN authzid.
        public var masterUser: (String, String)?
        public var namespace: Namespace
        public var pop3: Bool
        /// False: MULTIAPPEND is not offered after login, so clients send one APPEND per message.
        public var multiappend: Bool
        /// OAuth2-only mode: logins take only XOAUTH2 and OAUTHBEARER, with a token listed in this
        /// file (absolute, world-readable; written by `OAuth2TokenService`). Passwords are refused.
        public var oauth2TokensFile: String?
        /// False: no SPECIAL-USE attributes in the default namespace (an Exchange-like server).
        public var specialUse: Bool
        /// Gmail's shape (default namespace only): "[Gmail]/All Mail" (`\All`, every message of the
        /// user's folders but Trash and Junk, plus those of the unlisted "Archived/Mail", which a test
        /// creates for mail that has no label) and "[Gmail]/Starred" (`\Flagged`), both virtual.
        public var gmail: Bool
        /// IMAP METADATA (RFC 5464) per mailbox, where mailferry keeps its sync records.
        public var metadata: Bool

        public init(
            users: [(String, String)] = [("alice", "alicepw")],
            masterUser: (String, String)? = nil,
            namespace: Namespace = .default,
            pop3: Bool = true,
            multiappend: Bool = true,
            oauth2TokensFile: String? = nil,
            specialUse: Bool = true,
            gmail: Bool = false,
            metadata: Bool = false
        ) {
            self.metadata = metadata
            self.users = users
            self.masterUser = masterUser
            self.namespace = namespace
            self.pop3 = pop3
            self.multiappend = multiappend
            self.oauth2TokensFile = oauth2TokensFile
            self.specialUse = specialUse
            self.gmail = gmail
        }
    }

    public let host: String
    public let imapPort: Int
    public let imapsPort: Int
    /// 0 when started with `pop3: false`.
    public let pop3Port: Int
    /// 0 when started with `pop3: false`.
    public let pop3sPort: Int
    /// PEM file of the server's self-signed certificate: the CA file for verifying clients.
    public let caFile: String
    /// Holds dovecot.conf, dovecot.log, the passwd-files and `mail/<user>/Maildir`.
    public let directory: String
    /// Pid of the Dovecot master process.
    public let pid: Int32
    /// Owner of the mail files, so that files written by tests stay writable for Dovecot.
    public let mailUID: UInt32
    public let mailGID: UInt32

    private let stopped = StopFlag()

    private init(
        imapPort: Int, imapsPort: Int, pop3Port: Int, pop3sPort: Int, caFile: String,
        directory: String, pid: Int32, mailUID: UInt32, mailGID: UInt32
    ) {
        self.host = "127.0.0.1"
        self.imapPort = imapPort
        self.imapsPort = imapsPort
        self.pop3Port = pop3Port
        self.pop3sPort = pop3sPort
        self.caFile = caFile
        self.directory = directory
        self.pid = pid
        self.mailUID = mailUID
        self.mailGID = mailGID
    }

    deinit {
        if !stopped.isSet {
            // A test forgot stop(): do not leave a daemon behind.
            _ = try? Self.runScript(["stop", directory])
            reapMaster()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Starts a server on four free loopback ports. Retries with new ports when another test
    /// suite took one of them in between.
    public static func start(_ options: Options = .init()) async throws -> DovecotServer {
        let directory = try makeStorageDirectory()
        var lastError: DovecotServerError?
        for _ in 0..<5 {
            let ports = try freePorts(count: 4)
            var arguments = [
                "start", directory,
                "--imap", String(ports[0]), "--imaps", String(ports[1]),
                "--namespace", options.namespace.rawValue,
                // A test run that is killed cannot call stop(): the script's watchdog then does.
                "--owner-pid", String(getpid()),
            ]
            if options.pop3 {
                arguments += ["--pop3", String(ports[2]), "--pop3s", String(ports[3])]
            } else {
                arguments.append("--no-pop3")
            }
            for (name, password) in options.users {
                arguments += ["--user", "\(name):\(password)"]
            }
            if let (name, password) = options.masterUser {
                arguments += ["--master", "\(name):\(password)"]
            }
            if !options.multiappend { arguments.append("--no-multiappend") }
            if !options.specialUse { arguments.append("--no-special-use") }
            if options.gmail { arguments.append("--gmail") }
            if options.metadata { arguments.append("--metadata") }
            if let tokens = options.oauth2TokensFile {
                arguments += ["--oauth2", tokens]
            }
            let result = try await runScriptAsync(arguments)
            if result.status == 0 {
                let environment = try readEnvironment(directory)
                guard let pidText = environment["pid"], let pid = Int32(pidText),
                    let uid = environment["uid"].flatMap(UInt32.init),
                    let gid = environment["gid"].flatMap(UInt32.init),
                    let caFile = environment["ca_file"]
                else {
                    throw DovecotServerError.startFailed(
                        status: result.status, output: "server.env is incomplete",
                        logTail: logTail(directory))
                }
                return DovecotServer(
                    imapPort: ports[0], imapsPort: ports[1],
                    pop3Port: options.pop3 ? ports[2] : 0, pop3sPort: options.pop3 ? ports[3] : 0,
                    caFile: caFile, directory: directory, pid: pid, mailUID: uid, mailGID: gid)
            }
            lastError = .startFailed(status: result.status, output: result.output, logTail: logTail(directory))
            // 3: a port was taken between choosing and binding it; anything else is final.
            if result.status != 3 { break }
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw lastError ?? .startFailed(status: -1, output: "", logTail: "")
    }

    /// The user's Maildir root (INBOX; folders are `.Name` Maildir++ directories inside).
    public func mailDirectory(for user: String) -> String {
        "\(directory)/mail/\(user)/Maildir"
    }

    /// Adds a user while the server runs; Dovecot re-reads its passwd-file.
    public func addUser(_ name: String, password: String) throws {
        let result = try Self.runScript(["add-user", directory, "\(name):\(password)"])
        guard result.status == 0 else {
            throw DovecotServerError.scriptFailed(command: "add-user \(name)", output: result.output)
        }
    }

    /// Writes a message file into a Maildir `new/` directory, as a delivery agent would, owned by
    /// the mail user. `folder` is the Maildir++ folder below the root ("Sub/Child" is stored as
    /// `.Sub.Child`); nil is INBOX. Returns the file's path.
    @discardableResult
    public func deliver(_ message: Data, to user: String, folder: String? = nil) throws -> String {
        var folderPath = mailDirectory(for: user)
        var created: [String] = []
        if let folder, !folder.isEmpty {
            folderPath += "/." + folder.replacingOccurrences(of: "/", with: ".")
            created.append(folderPath)
        }
        for sub in ["cur", "new", "tmp"] {
            created.append("\(folderPath)/\(sub)")
        }
        let manager = FileManager.default
        for path in created where !manager.fileExists(atPath: path) {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            try chown(path)
        }
        let name = "\(Int(Date().timeIntervalSince1970)).M\(UUID().uuidString.prefix(8))P\(getpid()).mailferry-test"
        let temporary = "\(folderPath)/tmp/\(name)"
        let final = "\(folderPath)/new/\(name)"
        try message.write(to: URL(fileURLWithPath: temporary))
        try chown(temporary)
        try manager.moveItem(atPath: temporary, toPath: final)
        return final
    }

    /// Stops the server (waits for the master to exit) and removes its storage. Idempotent.
    public func stop() async {
        guard stopped.set() else { return }
        _ = try? await Self.runScriptAsync(["stop", directory])
        reapMaster()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Whether the master process still runs (an exited, unreaped one does not count).
    public var isRunning: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            return kill(pid, 0) == 0
        }
        // "pid (comm) S ..."; comm may contain spaces, the state follows the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// The daemonized master may have been re-parented to this process (when it is a child
    /// subreaper, as test runners can be): collect its exit status so that no zombie remains.
    private func reapMaster() {
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }

    /// The repository's root directory, found from this file's path.
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
            .path
    }

    // MARK: - Helpers

    private func chown(_ path: String) throws {
        try FileManager.default.setAttributes(
            [.ownerAccountID: NSNumber(value: mailUID), .groupOwnerAccountID: NSNumber(value: mailGID)],
            ofItemAtPath: path)
    }

    private static func makeStorageDirectory() throws -> String {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = "\(base)/mailferry-dovecot-\(UUID().uuidString.prefix(12).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func readEnvironment(_ directory: String) throws -> [String: String] {
        let text = try String(contentsOfFile: "\(directory)/server.env", encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    private static func logTail(_ directory: String, lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: "\(directory)/dovecot.log", encoding: .utf8) else {
            return "(no dovecot.log)"
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// A loopback port nothing listens on (the kernel's pick for port 0, closed again): connecting is refused.
    public static func unusedPort() throws -> Int {
        try freePorts(count: 1)[0]
    }

    /// Ports the kernel hands out for port 0, held open together so that they differ.
    static func freePorts(count: Int) throws -> [Int] {
        var descriptors: [Int32] = []
        defer {
            for descriptor in descriptors { _ = close(descriptor) }
        }
        var ports: [Int] = []
        for _ in 0..<count {
            #if canImport(Glibc)
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
                let descriptor = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard descriptor >= 0 else { throw DovecotServerError.noFreePort(errno: errno) }
            descriptors.append(descriptor)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bind(descriptor, socketAddress, length) == 0
                        && getsockname(descriptor, socketAddress, &length) == 0
                }
            }
            guard bound else { throw DovecotServerError.noFreePort(errno: errno) }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }

    public struct ScriptResult: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs the script and waits for it. posix_spawn and waitpid rather than Foundation.Process:
    /// under the test runner, Process did not reap its child (the SIGCHLD-driven monitor never fired),
    /// so waiting for it hung.
    static func runScript(_ arguments: [String]) throws -> ScriptResult {
        let script = "\(repositoryRoot)/scripts/dovecot-server"
        guard FileManager.default.isExecutableFile(atPath: script) else {
            throw DovecotServerError.scriptMissing(path: script)
        }
        return try runCleanly(script, arguments)
    }

    /// Runs `executable` to its end with a clean signal mask (so a daemon it starts, a Dovecot or a
    /// tmux server, works normally); stdout and stderr together, trimmed. `environment` replaces
    /// the test process's environment when given.
    public static func runCleanly(_ executable: String, _ arguments: [String], environment: [String: String]? = nil)
        throws -> ScriptResult
    {
        let script = executable
        let outputPath = "\(NSTemporaryDirectory())/mailferry-dovecot-script-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        let pid = try spawnWithCleanSignals(script, arguments, outputPath: outputPath, environment: environment)

        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw DovecotServerError.spawnFailed(errno: errno) }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let exitCode = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ScriptResult(status: exitCode, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `runScript` on its own thread, so that waiting blocks no thread of the concurrency pool.
    static func runScriptAsync(_ arguments: [String]) async throws -> ScriptResult {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try runScript(arguments) })
            }
            thread.start()
        }
    }
}

/// Why a test server could not be started or changed.
public enum DovecotServerError: Error, CustomStringConvertible {
    case scriptMissing(path: String)
    case noFreePort(errno: Int32)
    case spawnFailed(errno: Int32)
    case startFailed(status: Int32, output: String, logTail: String)
    case scriptFailed(command: String, output: String)

    public var description: String {
        switch self {
        case .scriptMissing(let path):
            "scripts/dovecot-server not found or not executable at \(path)"
        case .noFreePort(let errno):
            "could not reserve a free port on 127.0.0.1 (errno \(errno))"
        case .spawnFailed(let errno):
            "could not run scripts/dovecot-server (errno \(errno))"
        case .startFailed(let status, let output, let logTail):
            "dovecot-server start failed (exit \(status)): \(output)\n--- dovecot.log (tail) ---\n\(logTail)"
        case .scriptFailed(let command, let output):
            "dovecot-server \(command) failed: \(output)"
        }
    }
}

/// Set once by the first stop(); a lock keeps the class Sendable without Synchronization.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    /// Returns true for the caller that set it.
    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if value { return false }
        value = true
        return true
    }
}

extension DovecotServer {
    /// Runs `body` and stops the servers afterwards, also when it throws: a `defer { Task { … } }`
    /// may never run before the test process exits.
    public static func stopping<Result>(
        _ servers: [DovecotServer], after body: () async throws -> Result
    ) async throws -> Result {
        do {
            let result = try await body()
            for server in servers { await server.stop() }
            return result
        } catch {
            for server in servers { await server.stop() }
            throw error
        }
    }
}
