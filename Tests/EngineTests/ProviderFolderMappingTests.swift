import MailferryCore
import Testing

@testable import Engine

@Suite struct ProviderFolderMappingTests {
    func byName(_ mappings: [FolderMapping]) -> [String: FolderMapping] {
        Dictionary(uniqueKeysWithValues: mappings.map { ($0.source.path.description, $0) })
    }

    @Test func exchangeNamesMapWithoutSpecialUseAndNonMailFoldersAreSkipped() {
        let source = [
            "INBOX", "Sent Items", "Deleted Items", "Junk Email", "Drafts", "Archive", "Calendar", "Calendar/Birthdays",
            "Contacts", "Tasks", "Notes", "Journal", "Outbox", "Sync Issues", "Sync Issues/Conflicts",
            "Conversation History", "Projects", "Projects/Notes",
        ].map { FolderInfo(path: MailboxPath($0)) }
        let destination = [
            FolderInfo(path: MailboxPath("Sent"), specialUse: .sent),
            FolderInfo(path: MailboxPath("Bin"), specialUse: .trash),
        ]
        let mapped = byName(
            FolderMapper(rules: FolderRules(sourceProvider: .microsoft365)).map(
                source: source, destination: destination))
        #expect(mapped["Sent Items"]?.destination == MailboxPath("Sent"))
        #expect(mapped["Deleted Items"]?.destination == MailboxPath("Bin"))
        // No such folder on the destination: the common name.
        #expect(mapped["Junk Email"]?.destination == MailboxPath("Junk"))
        #expect(mapped["Junk Email"]?.reason == "special-use \\Junk -> Junk (the destination has no \\Junk folder)")
        #expect(mapped["Drafts"]?.destination == MailboxPath("Drafts"))
        #expect(mapped["Archive"]?.destination == MailboxPath("Archive"))
        for name in [
            "Calendar", "Calendar/Birthdays", "Contacts", "Tasks", "Notes", "Journal", "Outbox", "Sync Issues",
            "Sync Issues/Conflicts", "Conversation History",
        ] {
            #expect(mapped[name]?.isSkipped == true, "\(name)")
        }
        #expect(mapped["Calendar"]?.reason == "Microsoft 365 non-mail folder (Calendar): not copied")
        // Only top-level names are Exchange's: a user's own "Projects/Notes" is mail.
        #expect(mapped["Projects/Notes"]?.destination == MailboxPath("Projects/Notes"))
        #expect(mapped["INBOX"]?.destination == .inbox)
    }

    @Test func genericSourceKeepsExchangeNames() {
        let source = ["Sent Items", "Calendar"].map { FolderInfo(path: MailboxPath($0)) }
        let mapped = byName(FolderMapper(rules: FolderRules()).map(source: source, destination: []))
        #expect(mapped["Sent Items"]?.destination == MailboxPath("Sent Items"))
        #expect(mapped["Calendar"]?.destination == MailboxPath("Calendar"))
    }

    @Test func gmailViewsAreNotFoldersAndAllMailGoesToTheArchive() {
        let source = [
            FolderInfo(path: .inbox), FolderInfo(path: MailboxPath("Work/Clients")),
            FolderInfo(path: MailboxPath("[Gmail]"), selectable: false),
            FolderInfo(path: MailboxPath("[Gmail]/Alle Nachrichten"), specialUse: .all),
            FolderInfo(path: MailboxPath("[Gmail]/Markiert"), specialUse: .flagged),
            FolderInfo(path: MailboxPath("[Gmail]/Important")),
            FolderInfo(path: MailboxPath("[Gmail]/Sent Mail")),
            FolderInfo(path: MailboxPath("[Gmail]/Spam"), specialUse: .junk),
        ]
        let rules = FolderRules(sourceProvider: .gmail)
        let mapped = byName(FolderMapper(rules: rules).map(source: source, destination: []))
        #expect(mapped["[Gmail]/Alle Nachrichten"]?.destination == MailboxPath("Archive"))
        #expect(mapped["[Gmail]/Alle Nachrichten"]?.selection == .archivedOnly)
        #expect(mapped["[Gmail]/Markiert"]?.isSkipped == true)
        #expect(mapped["[Gmail]/Important"]?.isSkipped == true)
        #expect(mapped["[Gmail]/Sent Mail"]?.destination == MailboxPath("Sent"))
        #expect(mapped["[Gmail]/Spam"]?.destination == MailboxPath("Junk"))
        #expect(mapped["Work/Clients"]?.destination == MailboxPath("Work/Clients"))

        let archive = [FolderInfo(path: MailboxPath("Archiv"), specialUse: .archive)]
        let toArchive = byName(FolderMapper(rules: rules).map(source: source, destination: archive))
        #expect(toArchive["[Gmail]/Alle Nachrichten"]?.destination == MailboxPath("Archiv"))
        var configured = rules
        configured.archive = "Old/Archived"
        let toConfigured = byName(FolderMapper(rules: configured).map(source: source, destination: archive))
        #expect(toConfigured["[Gmail]/Alle Nachrichten"]?.destination == MailboxPath("Old/Archived"))
    }

    @Test func gmailDestinationSpecialFoldersAreFoundByName() {
        let source = [FolderInfo(path: MailboxPath("Sent"), specialUse: .sent)]
        let destination = [FolderInfo(path: MailboxPath("[Gmail]/Sent Mail"))]
        let mapped = FolderMapper(rules: FolderRules(destinationProvider: .gmail)).map(
            source: source, destination: destination)
        #expect(mapped.first?.destination == MailboxPath("[Gmail]/Sent Mail"))
    }

    @Test func exchangeDestinationCapsMessageSize() {
        let big = MessageSummary(
            uid: 1, sourceKey: "1:1", size: 36 * 1_048_576, internalDate: InternalDate(secondsSince1970: 1_700_000_000),
            flags: .none, identity: .unread(size: 36 * 1_048_576))
        var small = big
        small.uid = 2
        small.size = 35 * 1_048_576
        let diff = FolderDiff(
            source: [big, small], destination: [], options: MigrationOptions(destinationProvider: .exchange),
            acceptsKeywords: true)
        #expect(diff.toCopy.map(\.uid) == [2])
        #expect(diff.skipped.map(\.message.uid) == [1])
        #expect(
            diff.skipped.first?.reason.description
                == "larger than Exchange's message size limit of 35 MB (36700160 bytes; destination provider exchange)")
        let generic = FolderDiff(source: [big], destination: [], options: MigrationOptions(), acceptsKeywords: true)
        #expect(generic.toCopy.count == 1)
    }
}
