import MailferryCore
import Testing

@testable import MailStores

@Suite struct MaildirPathTemplateTests {
    let template = "/var/vmail/{domain}/{localpart}/Maildir"

    @Test func expandsPlaceholders() throws {
        #expect(
            try MaildirPathTemplate(template: template).expand(user: "alice@new.example")
                == "/var/vmail/new.example/alice/Maildir")
        #expect(
            try MaildirPathTemplate(template: "/srv/{user}/md").expand(user: "bob@x.example") == "/srv/bob@x.example/md"
        )
        // The last "@" splits: a quoted local part may hold one.
        #expect(
            try MaildirPathTemplate(template: template).expand(user: "a@b@c.example")
                == "/var/vmail/c.example/a@b/Maildir")
        let store = try MaildirStore.open(template: template, user: "alice@new.example")
        #expect(store.root == "/var/vmail/new.example/alice/Maildir")
    }

    @Test(arguments: [
        ("../etc@new.example", "localpart"),
        ("alice@..", "domain"),
        ("a/b@new.example", "localpart"),
        ("alice@new.example/..", "domain"),
        (".hidden@new.example", "localpart"),
        ("alice@.new.example", "domain"),
        ("al\u{0}ice@new.example", "localpart"),
        ("@new.example", "localpart"),
    ])
    func refusesUsersThatLeaveTheDirectory(user: String, placeholder: String) {
        #expect {
            _ = try MaildirStore.open(template: template, user: user)
        } throws: { error in
            guard case .unsafeUser(_, let refused, _) = error as? MaildirPathError else { return false }
            return refused == placeholder && (error as? any UserFacingError)?.userMessage.contains("refusing") == true
        }
    }

    @Test func refusesMissingDomainAndUnknownPlaceholders() {
        #expect(throws: MaildirPathError.missingDomain(user: "alice")) {
            try MaildirPathTemplate(template: template).expand(user: "alice")
        }
        #expect(throws: MaildirPathError.unknownPlaceholder(template: "/m/{name}", placeholder: "name")) {
            try MaildirPathTemplate(template: "/m/{name}").expand(user: "alice@x.example")
        }
        #expect(throws: MaildirPathError.notAbsolute(path: "m/alice")) {
            try MaildirPathTemplate(template: "m/{localpart}").expand(user: "alice@x.example")
        }
    }

    @Test func refusesLeadingDotEvenWhenTheWholeUserIsSubstituted() {
        #expect(throws: MaildirPathError.self) {
            try MaildirPathTemplate(template: "/m/{user}").expand(user: "..")
        }
    }
}
