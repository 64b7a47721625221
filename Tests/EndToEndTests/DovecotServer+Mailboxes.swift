import IMAP
import MailTransport
import NIOCore
import TestSupport

/// Reading and filling a test server's mailboxes directly over IMAPS, around a migration.
extension DovecotServer {
    /// A logged-in session as `user` (password `<user>-pw` unless given).
    func session(_ user: String, password: String? = nil) async throws -> IMAPClient {
        let client = try await IMAPClient.connect(
            IMAPClientConfiguration(
                host: host, port: imapsPort, security: .implicitTLS, tls: TLSOptions(caFile: caFile)))
        try await client.login(user: user, password: password ?? "\(user)-pw")
        return client
    }

    /// How many messages `user`'s INBOX holds.
    func inboxCount(_ user: String) async throws -> Int? {
        let client = try await session(user)
        let count = try await client.status("INBOX").messages
        try await client.logout()
        return count
    }

    /// Appends `count` small messages to each user's INBOX (Message-ID `<user number@old.example>`,
    /// `padding` bytes of body); returns the bytes appended.
    @discardableResult
    func seedInboxes(_ users: [String], count: Int, padding: Int = 4) async throws -> Int64 {
        var total: Int64 = 0
        for user in users {
            let client = try await session(user)
            for number in 1...count {
                let text =
                    "From: a@old.example\r\nSubject: \(user) \(number)\r\nMessage-ID: <\(user)\(number)@old.example>"
                    + "\r\n\r\n" + String(repeating: "x", count: padding) + "\r\n"
                total += Int64(text.utf8.count)
                _ = try await client.append(
                    to: "INBOX", IMAPAppendMessage(flags: [], source: .buffer(ByteBuffer(string: text))))
            }
            try await client.logout()
        }
        return total
    }
}
