import IMAP
import Testing

/// The names Dovecot stores in Maildir++ directory names and `subscriptions`, through the one
/// modified UTF-7 codec (IMAP's), which the Maildir store uses too.
@Suite struct MaildirModifiedUTF7Tests {
    @Test(arguments: [
        ("INBOX", "INBOX"),
        ("R&D", "R&-D"),
        ("&", "&-"),
        ("Käse", "K&AOQ-se"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("台北", "&U,BTFw-"),  // RFC 3501's example: "/" of base64 becomes ","
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("😀 smile", "&2D3eAA- smile"),
    ])
    func encodesAndDecodes(text: String, encoded: String) throws {
        #expect(ModifiedUTF7.encode(text) == encoded)
        #expect(try ModifiedUTF7.decode(encoded) == text)
    }

    @Test(arguments: ["&", "&AOQ", "&Jjo!-", "&AGE-", "a\u{7}b", "&2D0-"])
    func refusesInvalidInput(encoded: String) {
        // Unterminated shift, bad base64, ASCII inside base64, control byte, lone surrogate.
        #expect((try? ModifiedUTF7.decode(encoded)) == nil)
    }
}
