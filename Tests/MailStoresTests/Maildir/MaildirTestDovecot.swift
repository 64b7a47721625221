import Foundation
import TestSupport

/// A minimal Dovecot 2.3 serving one Maildir++ location, started for the Maildir integration test.
/// (The shared `TestSupport.DovecotServer` from the pop3 branch can replace this once merged.)
/// Needs root and the `dovecot` binary; mail processes run as the unprivileged user `mailferry-test`.
final class MaildirTestDovecot {
    static let mailUser = "mailferry-test"

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    let directory: String
    let port: Int
    let pid: Int32
    let mailUID: uid_t
    let mailGID: gid_t

    static var canRun: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot")
    }

    /// - Parameters:
    ///   - mailLocation: Dovecot's `mail_location`, e.g. `maildir:/dir/vmail/%d/%n/Maildir`.
    ///   - separator: the namespace separator IMAP clients see; nil keeps Dovecot's default (".").
    init(directory: String, mailLocation: String, separator: Character?, users: [(String, String)]) throws {
        self.directory = directory
        (mailUID, mailGID) = try Self.ensureMailUser()
        port = try Self.freePort()
        let runDirectory = directory + "/run"
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        let usersFile = users.map { "\($0.0):{PLAIN}\($0.1)::::::\n" }.joined()
        try Data(usersFile.utf8).write(to: URL(fileURLWithPath: directory + "/users"))
        let namespace = separator.map { "namespace inbox {\n  inbox = yes\n  separator = \($0)\n  prefix =\n}\n" } ?? ""
        let config = """
            base_dir = \(runDirectory)
            state_dir = \(directory)/state
            instance_name = mailferry-maildir-\(port)
            log_path = \(directory)/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            auth_failure_delay = 0
            first_valid_uid = \(mailUID)
            first_valid_gid = \(mailGID)
            mail_location = \(mailLocation)
            \(namespace)
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(directory)/users
            }
            userdb {
              driver = static
              args = uid=\(mailUID) gid=\(mailGID) home=\(directory)/home/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = \(port)
              }
            }
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/dovecot.conf"))
        try FileManager.default.createDirectory(atPath: directory + "/home", withIntermediateDirectories: true)
        chown(directory + "/home", mailUID, mailGID)

        guard try Self.run("/usr/sbin/dovecot", ["-c", directory + "/dovecot.conf"]) == 0 else {
            throw Unavailable(description: "dovecot did not start: \(Self.log(directory))")
        }
        var masterPID: Int32?
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: runDirectory + "/master.pid", encoding: .utf8),
                let value = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                masterPID = value
                if (try? RawIMAPClient(port: port, timeoutSeconds: 1)) != nil { break }
            }
            usleep(100_000)
        }
        guard let masterPID else {
            throw Unavailable(description: "dovecot wrote no master.pid: \(Self.log(directory))")
        }
        pid = masterPID
    }

    /// Stops the master by its pid and waits until it is gone.
    func stop() {
        guard kill(pid, SIGTERM) == 0 else { return }
        for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    static func log(_ directory: String) -> String {
        (try? String(contentsOfFile: directory + "/dovecot.log", encoding: .utf8)) ?? "(no log)"
    }

    private static func ensureMailUser() throws -> (uid_t, gid_t) {
        if let entry = getpwnam(mailUser) { return (entry.pointee.pw_uid, entry.pointee.pw_gid) }
        _ = try run(
            "/usr/sbin/useradd",
            ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", mailUser])
        guard let entry = getpwnam(mailUser) else { throw Unavailable(description: "cannot create user \(mailUser)") }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// Runs a program and waits for its exit status. posix_spawn with a clean signal state rather than
    /// Foundation.Process: the test runner's threads block signals, and a Dovecot master that inherits
    /// a blocked SIGCHLD never starts its services (found here: it accepted connections, never greeted).
    private static func run(_ program: String, _ arguments: [String]) throws -> Int32 {
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = withCleanSignalSpawnAttributes { attributes in
            posix_spawn(&pid, program, nil, &attributes, argv, environ)
        }
        guard spawned == 0 else { throw Unavailable(description: "cannot run \(program): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Unavailable(description: "waitpid \(program): errno \(errno)") }
        }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// A port the kernel reports free on 127.0.0.1 (bound to 0, read back, released).
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw Unavailable(description: "no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
