import MailferryCore
import Testing

@testable import MailferryCLI

@Suite struct OfflinePlannerTests {
    @Test func autoTriesPOP3ForInboxAndIMAPForFoldersLeavingOutPortZero() {
        let job = PlanSamples.job(ports: .init(imap4: 143, imap4s: 993, pop3: 0, pop3s: 995))
        let plan = OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "d")
        let alice = plan.users[0]
        #expect(alice.status == .offline)
        #expect(alice.endpoint.inbox == "pop3s://mail.old.example:995 (tls)")
        #expect(alice.endpoint.folders == "imap4s://mail.old.example:993 (tls)")
        #expect(
            alice.candidates == [
                "pop3s://mail.old.example:995 (tls)", "imap4s://mail.old.example:993 (tls)",
                "imap4://mail.old.example:143 (starttls)",
            ])
        #expect(!alice.candidates.contains { $0.hasPrefix("pop3://") })
    }

    @Test func folderRulesBecomeTranslateAndSkipRows() {
        let job = PlanSamples.job()
        let plan = OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "d")
        #expect(
            plan.users[0].folders == [
                FolderPlan(source: "Sent Items", destination: "Sent", action: .noop, reason: "translate"),
                FolderPlan(source: "Trash", destination: nil, action: .skip, reason: "skip rule"),
                FolderPlan(source: "Junk*", destination: nil, action: .skip, reason: "skip rule"),
            ])
        #expect(plan.summary.foldersSkipped == 4)
        #expect(plan.summary.foldersUnchanged == 2)
    }

    @Test func pop3SourceMovesOnlyInbox() {
        let job = PlanSamples.job(protocol: .pop3s)
        let user = OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "d").users[0]
        #expect(user.endpoint.inbox == "pop3s://mail.old.example:995 (tls)")
        #expect(user.endpoint.folders == nil)
        #expect(user.candidates == ["pop3s://mail.old.example:995 (tls)"])
        #expect(
            user.folders == [
                FolderPlan(source: "INBOX", destination: "INBOX", action: .noop, reason: OfflinePlanner.inboxOnlyReason)
            ])
    }

    @Test func imapOnlyListsEachEndpointOnce() {
        let job = PlanSamples.job(protocol: .imap4)
        let user = OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "d").users[0]
        #expect(user.candidates == ["imap4://mail.old.example:143 (starttls)"])
        #expect(user.endpoint.inbox == user.endpoint.folders)
    }

    @Test func destinationAccountAndJobReference() {
        let job = PlanSamples.job()
        let plan = OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "abc")
        #expect(plan.users.map(\.destinationUser) == ["alice@new.example", "robert@new.example"])
        #expect(
            plan.job
                == MigrationPlan.JobReference(
                    name: "sample", file: "jobs/sample.yaml", digest: "abc", usersFile: job.usersFile.resolvedPath,
                    mailboxes: 2))
        #expect(plan.offline)
    }

    @Test func jsonIsStableAndHoldsNoPassword() throws {
        let job = PlanSamples.job()
        let first = try StableJSON.encode(OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "d"))
        let second = try StableJSON.encode(OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "d"))
        #expect(first == second)
        #expect(first.hasSuffix("}\n"))
        #expect(!first.contains("Secret-1"))
        #expect(!first.contains("Secret-2"))
    }

    @Test func digestCoversBothFilesWithASeparator() {
        let a = JobDigest.digest(jobFile: Array("ab".utf8), usersFile: Array("c".utf8))
        let b = JobDigest.digest(jobFile: Array("a".utf8), usersFile: Array("bc".utf8))
        #expect(a != b)
        #expect(a == SHA256Hasher.hexDigest(of: Array("ab".utf8) + [0] + Array("c".utf8)))
        #expect(a.count == 64)
    }
}
