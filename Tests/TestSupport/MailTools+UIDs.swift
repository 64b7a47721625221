#if os(Linux)
    import Foundation

    extension MailTools {
        /// One IMAP folder as scripts/mailbox-uids.py reads it: UIDVALIDITY and sha256 of BODY[] by UID.
        public struct FolderUIDs: Sendable, Equatable {
            public var uidValidity: UInt32?
            public var digestsByUID: [UInt32: String]
        }

        /// One line of a POP3 `UIDL` listing with the message's LIST size and the sha256 of its header.
        public struct UIDLEntry: Sendable, Equatable, CustomStringConvertible {
            public var number: Int
            public var uidl: String
            public var size: Int
            public var headerDigest: String
            public var description: String { "\(number) \(uidl) (\(size) bytes)" }
        }

        /// Every selectable folder of `user` on `server` (plain IMAP), by folder name as LIST shows it.
        public static func imapUIDs(_ server: DovecotServer, user: String, password: String) throws
            -> [String: FolderUIDs]
        {
            let document = try uids(["imap", "\(server.host):\(server.imapPort):\(user)"], password: password)
            guard let folders = document["folders"] as? [String: [String: Any]] else {
                throw Failure(description: "mailbox-uids.py imap: no folders in \(document)")
            }
            return folders.mapValues { folder in
                let uids = folder["uids"] as? [String: String] ?? [:]
                return FolderUIDs(
                    uidValidity: (folder["uidvalidity"] as? Int).map { UInt32(truncatingIfNeeded: $0) },
                    digestsByUID: Dictionary(
                        uids.compactMap { key, value in UInt32(key).map { ($0, value) } },
                        uniquingKeysWith: { first, _ in first }))
            }
        }

        /// The `UIDL` listing of `user`'s INBOX on `server` (plain POP3).
        public static func pop3UIDLs(_ server: DovecotServer, user: String, password: String) throws -> [UIDLEntry] {
            let document = try uids(["pop3", "\(server.host):\(server.pop3Port):\(user)"], password: password)
            guard let messages = document["messages"] as? [[Any]] else {
                throw Failure(description: "mailbox-uids.py pop3: no messages in \(document)")
            }
            return messages.map { entry in
                UIDLEntry(
                    number: entry.first as? Int ?? -1, uidl: entry.count > 1 ? entry[1] as? String ?? "" : "",
                    size: entry.count > 2 ? entry[2] as? Int ?? -1 : -1,
                    headerDigest: entry.count > 3 ? entry[3] as? String ?? "" : "")
            }
        }

        private static func uids(_ arguments: [String], password: String) throws -> [String: Any] {
            let result = try run(
                ["\(scripts)/mailbox-uids.py"] + arguments, environment: ["MF_UIDS_PASSWORD": password])
            guard result.status == 0,
                let document = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            else { throw Failure(description: "mailbox-uids.py failed (\(result.status)): \(result.output)") }
            return document
        }
    }
#endif
