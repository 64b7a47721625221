import MailferryCore

/// Jobs and plans built directly from the domain types, for planner and renderer tests.
enum PlanSamples {
    static func job(
        protocol mailProtocol: SourceServer.MailProtocol = .auto, ports: SourceServer.Ports = .init(),
        accounts: [Account] = accounts
    ) -> Job {
        Job(
            name: "sample", nameIsDerived: false, file: "jobs/sample.yaml",
            source: SourceServer(host: "mail.old.example", protocol: mailProtocol, ports: ports),
            destination: .imap(IMAPDestination(host: "mail.new.example")),
            folders: FolderRules(
                skip: ["Trash", "Junk*"], translate: [.init(source: "Sent Items", destination: "Sent")]),
            usersFile: UsersFileSettings(
                path: "users.csv", resolvedPath: "/tmp/users.csv", destinationDomain: "new.example"),
            options: MigrationOptions(), accounts: accounts)
    }

    static let accounts = [
        Account(
            sourceUser: "alice", sourcePassword: Secret("alice-Secret-1"), localUser: "alice", localPassword: nil,
            destinationUser: "alice@new.example", line: 1),
        Account(
            sourceUser: "bob", sourcePassword: Secret("bob-Secret-2"), localUser: "robert", localPassword: nil,
            destinationUser: "robert@new.example", line: 2),
    ]

    /// A plan using every field and action, as an online plan will.
    static var fullPlan: MigrationPlan {
        MigrationPlan(
            job: .init(name: "sample", file: "jobs/sample.yaml", digest: String(repeating: "ab", count: 32)),
            offline: false,
            users: [
                UserPlan(
                    sourceUser: "alice", destinationUser: "alice@new.example", status: .ready,
                    endpoint: .init(
                        inbox: "imap4s://mail.old.example:993 (tls)", folders: "imap4s://mail.old.example:993 (tls)"),
                    candidates: ["imap4s://mail.old.example:993 (tls)"],
                    folders: [
                        FolderPlan(
                            source: "INBOX", destination: "INBOX", action: .update, reason: "new messages",
                            messagesToCopy: 3, bytesToCopy: 4096, messagesPresent: 10, flagsToUpdate: 1),
                        FolderPlan(
                            source: "Sent Items", destination: "Sent", action: .create, reason: "translate",
                            messagesToCopy: 2, bytesToCopy: 2_000_000, messagesSkipped: 1),
                        FolderPlan(
                            source: "Archive", destination: "Archive", action: .noop, reason: "up to date",
                            messagesPresent: 5),
                        FolderPlan(source: "Trash", destination: nil, action: .skip, reason: "skip rule"),
                    ]),
                UserPlan(
                    sourceUser: "bob", destinationUser: "bob@new.example", status: .unreachable,
                    endpoint: .init(inbox: nil, folders: nil), candidates: ["imap4s://mail.old.example:993 (tls)"],
                    error: "login failed: authentication rejected", folders: []),
            ])
    }
}
