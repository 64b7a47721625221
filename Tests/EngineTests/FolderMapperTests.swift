import MailferryCore
import Testing

@testable import Engine

@Suite struct FolderMapperTests {
    func folders(_ names: String...) -> [FolderInfo] { names.map { FolderInfo(path: MailboxPath($0)) } }

    @Test func longestTranslationWinsAndCarriesSubfolders() {
        let rules = FolderRules(
            skip: ["Trash", "Junk*"],
            translate: [
                .init(source: "INBOX", destination: "Inbox-old"),
                .init(source: "INBOX/Old", destination: "Archive"),
                .init(source: "Sent Items", destination: "Sent"),
            ])
        let mapped = FolderMapper(rules: rules).map(
            source: folders("INBOX", "INBOX/Old", "INBOX/Old/2019", "Sent Items", "Trash", "Junk E-mail", "Work"),
            destination: [])
        let byName = Dictionary(uniqueKeysWithValues: mapped.map { ($0.source.path.description, $0) })
        #expect(byName["INBOX/Old/2019"]?.destination == MailboxPath("Archive/2019"))
        #expect(byName["INBOX/Old"]?.destination == MailboxPath("Archive"))
        #expect(byName["Sent Items"]?.destination == MailboxPath("Sent"))
        #expect(byName["Trash"]?.isSkipped == true)
        #expect(byName["Trash"]?.reason == "skip rule \"Trash\"")
        #expect(byName["Junk E-mail"]?.isSkipped == true)
        #expect(byName["Work"]?.destination == MailboxPath("Work"))
        #expect(mapped.first?.source.path == .inbox)
    }

    @Test func specialUseMapsOntoDestinationFolder() {
        let source = [FolderInfo(path: MailboxPath("Gesendet"), specialUse: .sent)]
        let destination = [FolderInfo(path: MailboxPath("Sent"), specialUse: .sent)]
        let on = FolderMapper(rules: FolderRules(specialUse: true)).map(source: source, destination: destination)
        #expect(on.first?.destination == MailboxPath("Sent"))
        let off = FolderMapper(rules: FolderRules(specialUse: false)).map(source: source, destination: destination)
        #expect(off.first?.destination == MailboxPath("Gesendet"))
    }

    @Test func noselectContainersAreNotCopied() {
        let source = [
            FolderInfo(path: MailboxPath("Projects"), selectable: false), FolderInfo(path: MailboxPath("Projects/A")),
        ]
        let mapped = FolderMapper(rules: FolderRules()).map(source: source, destination: [])
        #expect(mapped[0].isSkipped)
        #expect(mapped[1].destination == MailboxPath("Projects/A"))
    }
}
