import IMAP
import MailTransport
import MailferryCore
import NIOCore

/// Everything that must survive a migration, read over IMAP: per folder the multiset of
/// (sha256 of the bytes, flags, INTERNALDATE), plus the subscribed folders.
struct MailboxSnapshot: Equatable, CustomStringConvertible {
    struct Message: Hashable, Comparable, CustomStringConvertible {
        var sha256: String
        var flags: [String]
        var internalDate: String

        static func < (a: Message, b: Message) -> Bool {
            (a.sha256, a.internalDate, a.flags.joined(separator: " ")) < (
                b.sha256, b.internalDate, b.flags.joined(separator: " ")
            )
        }

        var description: String { "\(sha256.prefix(12)) \(internalDate) \(flags)" }
    }

    /// Folder ("/"-separated, namespace prefix removed) -> sorted messages.
    var folders: [String: [Message]]
    var subscribed: Set<String>

    var messageCount: Int { folders.values.reduce(0) { $0 + $1.count } }

    var description: String {
        folders.keys.sorted().map { "\($0): \(folders[$0]?.count ?? 0) messages" }.joined(separator: "\n")
    }

    struct UnreadBody: Error, CustomStringConvertible {
        var folder: String
        var uid: UInt32
        var description: String { "\(folder) UID \(uid): the server returned no body" }
    }

    /// - Parameter bearerToken: sign in with XOAUTH2/OAUTHBEARER instead (an OAuth2-only server).
    static func read(
        host: String, port: Int, caFile: String, user: String, password: String, bearerToken: String? = nil
    )
        async throws -> MailboxSnapshot
    {
        let client = try await IMAPClient.connect(
            IMAPClientConfiguration(host: host, port: port, security: .implicitTLS, tls: TLSOptions(caFile: caFile)))
        if let bearerToken {
            try await client.authenticate(bearerToken: bearerToken, user: user)
        } else {
            try await client.login(user: user, password: password)
        }
        let list = try await client.listMailboxes()
        let namespaces = try await client.namespaces()
        let prefix = namespaces?.personal.first?.prefix ?? ""
        var folders: [String: [Message]] = [:]
        var subscribed: Set<String> = []
        for entry in list {
            let path = MailboxPath(serverName: entry.name, delimiter: entry.delimiter, prefix: prefix).description
            if entry.hasAttribute("\\Subscribed") { subscribed.insert(path) }
            guard entry.isSelectable else { continue }
            let mailbox = try await client.examine(entry.name)
            var messages: [Message] = []
            if mailbox.exists > 0 {
                for metadata in try await client.fetchMetadata(uids: 1...UInt32.max, headerFields: []) {
                    let digest = try await client.fetchBody(uid: metadata.uid) { stream in
                        var hasher = SHA256Hasher()
                        for try await chunk in stream { hasher.update(chunk.readableBytesView) }
                        return hasher.hexDigest()
                    }
                    // A body that does not come back is an error: two failures must not compare equal.
                    guard let digest else { throw UnreadBody(folder: path, uid: metadata.uid) }
                    messages.append(
                        Message(
                            sha256: digest,
                            flags: MessageFlags(metadata.flags).sorted,
                            internalDate: metadata.internalDate?.description ?? "none"))
                }
            }
            folders[path] = messages.sorted()
        }
        try await client.logout()
        return MailboxSnapshot(folders: folders, subscribed: subscribed)
    }
}
