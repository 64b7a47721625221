// A scripted IMAP server in Gmail's shape on 127.0.0.1 (scripts/mailtools/gmail-imap-server.py).
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Gmail's folders (INBOX, one per label, `[Gmail]/…` with SPECIAL-USE) over one mailbox whose
/// messages carry X-GM-MSGID and X-GM-LABELS (X-GM-EXT-1), read-only, plain TCP. Always `stop()` it.
public final class GmailIMAPServer: Sendable {
    public struct Message: Sendable {
        public var id: UInt64
        public var subject: String
        /// Gmail's labels: `\Inbox`, `\Sent`, `\Starred`, `\Important`, `\Trash`, user labels.
        public var labels: [String]
        public var flags: [String]

        public init(id: UInt64, subject: String, labels: [String], flags: [String] = ["\\Seen"]) {
            self.id = id
            self.subject = subject
            self.labels = labels
            self.flags = flags
        }
    }

    public let port: Int
    public let pid: pid_t
    private let directory: String

    private init(port: Int, pid: pid_t, directory: String) {
        self.port = port
        self.pid = pid
        self.directory = directory
    }

    public static func start(user: String, password: String, messages: [Message]) async throws -> GmailIMAPServer {
        try await PortAnnouncingProcess.onOwnThread {
            try startBlocking(user: user, password: password, messages: messages)
        }
    }

    private static func startBlocking(user: String, password: String, messages: [Message]) throws -> GmailIMAPServer {
        let directory = NSTemporaryDirectory() + "mailferry-gmail-\(UUID().uuidString.prefix(12).lowercased())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let mailbox: [String: Any] = [
            "user": user, "password": password,
            "messages": messages.map { ["id": $0.id, "subject": $0.subject, "labels": $0.labels, "flags": $0.flags] },
        ]
        try JSONSerialization.data(withJSONObject: mailbox).write(to: URL(fileURLWithPath: "\(directory)/mailbox.json"))
        let outputFile = "\(directory)/server.out"
        let (pid, port) = try PortAnnouncingProcess.start(
            "/usr/bin/python3",
            [
                "\(DovecotServer.repositoryRoot)/scripts/mailtools/gmail-imap-server.py", "--mailbox",
                "\(directory)/mailbox.json", "--log", "\(directory)/commands.log",
            ], outputFile: outputFile, name: "gmail-imap-server")
        return GmailIMAPServer(port: port, pid: pid, directory: directory)
    }

    /// The commands received so far (all but LOGIN), one per line as sent.
    public func commands() -> [String] {
        let text = (try? String(contentsOfFile: "\(directory)/commands.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    public func stop() {
        PortAnnouncingProcess.stop(pid)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
