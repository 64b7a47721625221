import MailferryCore
import Testing

@testable import Engine

/// `folders.labels: keywords`: which folder holds a message's one copy, and how labels become keywords.
@Suite struct GmailLabelKeywordsTests {
    @Test func labelNamesBecomeKeywordAtoms() {
        let cases: [(String, String)] = [
            ("Work/Projects", "Work/Projects"), ("Muy Importante", "Muy_Importante"), ("A (old)", "A__old_"),
            ("Entwürfe", "Entw&APw-rfe"), ("Q&A", "Q&-A"), ("$Label", "_$Label"), ("a\"b\\c%d*e]f{g", "a_b_c_d_e_f_g"),
            ("日本", "&ZeVnLA-"), ("Sent", "Sent"),
        ]
        for (label, keyword) in cases {
            #expect(LabelKeyword.keyword(for: MailboxPath(components: [label])) == keyword, "\(label)")
        }
        #expect(LabelKeyword.keyword(for: MailboxPath("Work/Projects")) == "Work/Projects")
    }

    func mapping(_ path: String, _ use: SpecialUse? = nil, to destination: String? = nil) -> FolderMapping {
        FolderMapping(
            source: FolderInfo(path: MailboxPath(path), specialUse: use),
            destination: MailboxPath(destination ?? path), reason: "test", selection: .firstLabelOnly)
    }

    func listed(_ key: String, uid: Int, labels: [String]? = nil) -> GmailLabelSurvey.Listed {
        GmailLabelSurvey.Listed(sourceKey: "1:\(uid)", key: key, labels: labels)
    }

    @Test func firstLabelIsInboxThenTheServersLabelOrderThenListOrder() {
        let mappings = [
            mapping("INBOX"), mapping("Work"), mapping("Work/Projects"),
            mapping("[Gmail]/Sent Mail", .sent, to: "Sent"),
            FolderMapping(
                source: FolderInfo(path: MailboxPath("[Gmail]/All Mail"), specialUse: .all),
                destination: MailboxPath("Archive"), reason: "test", selection: .archivedOnly),
        ]
        var survey = GmailLabelSurvey()
        // All Mail has every label; a label folder's listing lacks its own label (as Gmail sends it).
        survey.listings[4] = [
            listed("gm:1", uid: 1, labels: ["Work", "\\Inbox"]),
            listed("gm:2", uid: 2, labels: ["Work/Projects", "Work"]),
            listed("gm:3", uid: 3, labels: ["\\Sent", "Work"]), listed("gm:5", uid: 5, labels: []),
        ]
        survey.listings[0] = [listed("gm:1", uid: 10, labels: ["Work"])]
        survey.listings[1] = [
            listed("gm:1", uid: 20, labels: ["\\Inbox"]), listed("gm:2", uid: 21, labels: ["Work/Projects"]),
            listed("gm:3", uid: 22, labels: ["\\Sent"]),
        ]
        survey.listings[2] = [listed("gm:2", uid: 30, labels: ["Work"]), listed("gm:4", uid: 31)]
        survey.listings[3] = [listed("gm:3", uid: 40, labels: ["Work"])]
        let resolved = GmailFirstLabel.resolve(mappings, survey: survey)
        #expect(resolved[0].selection == .firstLabel(keywords: ["1:10": ["Work"]]))
        #expect(resolved[1].selection == .firstLabel(keywords: [:]))
        #expect(resolved[2].selection == .firstLabel(keywords: ["1:30": ["Work"], "1:31": []]))
        // \Sent comes before Work in the labels: the copy is in Sent, with the keyword Work.
        #expect(resolved[3].selection == .firstLabel(keywords: ["1:40": ["Work"]]))
        #expect(resolved[4].selection == .archivedOnly)  // All Mail is ArchivedMailSelection's
        #expect(resolved[2].reason.contains("2 of 2 messages have their first label here"))
    }

    @Test func withoutLabelsTheFirstFolderInListOrderAndOneKeywordPerDestination() {
        // Two source folders merged into one destination folder give one keyword, and none for the
        // copy's own folder.
        let mappings = [mapping("Alpha"), mapping("Beta", to: "Merged"), mapping("Gamma", to: "Merged")]
        var survey = GmailLabelSurvey()
        survey.listings[0] = [listed("mid:a", uid: 1)]
        survey.listings[1] = [listed("mid:a", uid: 2), listed("mid:b", uid: 3)]
        survey.listings[2] = [listed("mid:a", uid: 4), listed("mid:b", uid: 5), listed("mid:b", uid: 6)]
        let resolved = GmailFirstLabel.resolve(mappings, survey: survey)
        #expect(resolved[0].selection == .firstLabel(keywords: ["1:1": ["Merged"]]))
        #expect(resolved[1].selection == .firstLabel(keywords: ["1:3": []]))
        #expect(resolved[2].selection == .firstLabel(keywords: [:]))
    }

    @Test func theSelectionAddsTheKeywordsToTheCopysFlags() {
        let message = MessageSummary(
            uid: 1, sourceKey: "1:1", size: 10, internalDate: InternalDate(secondsSince1970: 0),
            flags: MessageFlags(["\\Seen"]), identity: MessageIdentity(key: "k"))
        var other = message
        other.sourceKey = "1:2"
        let admitted = MessageSelection.firstLabel(keywords: ["1:1": ["Work", "Sent"]]).admitted([message, other])
        #expect(admitted.count == 1)
        #expect(admitted.first?.flags == MessageFlags(["\\Seen", "Work", "Sent"]))
        #expect(MessageSelection.firstLabelOnly.admitted([message]).isEmpty)
    }

    @Test func labelsMergedIntoOneFolderCopyAMessageThereOnce() {
        func all(_ path: String, to destination: String) -> FolderMapping {
            FolderMapping(
                source: FolderInfo(path: MailboxPath(path)), destination: MailboxPath(destination), reason: "test")
        }
        let mappings = [all("Clients", to: "Work"), all("INBOX", to: "INBOX"), all("Work", to: "Work")]
        var survey = GmailLabelSurvey()
        survey.listings[0] = [listed("gm:1", uid: 1), listed("gm:2", uid: 2)]
        survey.listings[1] = [listed("gm:1", uid: 3)]
        survey.listings[2] = [listed("gm:2", uid: 4), listed("gm:3", uid: 5), listed("gm:3", uid: 6)]
        let resolved = GmailMergedFolders.resolve(mappings, survey: survey)
        #expect(resolved[0].selection == .all)
        #expect(resolved[1].selection == .all)
        #expect(resolved[2].selection == .sourceKeys(["1:5", "1:6"]))
        #expect(resolved[2].reason.hasSuffix("2 of 3 messages are in neither"))
    }
}
