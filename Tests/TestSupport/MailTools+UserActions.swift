#if os(Linux)
    import Foundation

    extension MailTools {
        /// One message as scripts/mailtools/imap-user.py lists it.
        public struct ListedMessage: Decodable, Sendable, Hashable {
            public var uid: UInt32
            /// SHA-256 of the whole message (BODY[]).
            public var sha: String
            public var flags: [String]
        }

        /// Every selectable folder of `user` on `server` and its messages, read over IMAPS by a client
        /// that shares no code with mailferry (Python's imaplib).
        public static func listMailbox(_ server: DovecotServer, user: String, password: String) throws
            -> [String: [ListedMessage]]
        {
            let output = try actAsUser(server, user: user, password: password, ["list"])
            return try JSONDecoder().decode([String: [ListedMessage]].self, from: Data(output.utf8))
        }

        /// Runs one imap-user.py command (delete, move, flags, rename) as `user`, as a mail client would.
        @discardableResult
        public static func actAsUser(_ server: DovecotServer, user: String, password: String, _ arguments: [String])
            throws -> String
        {
            let result = try run(
                [
                    "\(scripts)/mailtools/imap-user.py", "--host", server.host, "--port", String(server.imapsPort),
                    "--user", user, "--cafile", server.caFile, "--password-env", "MF_USER_PASSWORD", "--",
                ] + arguments, environment: ["MF_USER_PASSWORD": password])
            guard result.status == 0 else {
                throw Failure(description: "imap-user.py \(arguments.first ?? "") failed: \(result.output)")
            }
            return result.output
        }
    }
#endif
