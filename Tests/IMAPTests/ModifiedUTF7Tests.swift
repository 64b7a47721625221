import IMAP
import Testing

@Suite("Modified UTF-7 mailbox names (RFC 3501 5.1.3)")
struct ModifiedUTF7Tests {
    @Test(arguments: [
        ("INBOX", "INBOX"),
        ("&", "&-"),
        ("Tom & Jerry", "Tom &- Jerry"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("日本語", "&ZeVnLIqe-"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("Spaces and \"quotes\" and \\back", "Spaces and \"quotes\" and \\back"),
        ("emoji 📬", "emoji &2D3c7A-"),
        ("tab\there", "tab&AAk-here"),
    ])
    func encodesAndDecodes(_ name: String, _ wire: String) throws {
        #expect(ModifiedUTF7.encode(name) == wire)
        #expect(try ModifiedUTF7.decode(wire) == name)
    }

    @Test func roundTripsMixedNonASCII() throws {
        let names = ["Ünïcödé & Co", "Привет мир", "a&b&c", "&&", "中文/子文件夹", "ñ", "🎉🎉", "x\u{7F}y", ""]
        for name in names {
            #expect(try ModifiedUTF7.decode(ModifiedUTF7.encode(name)) == name)
            #expect(ModifiedUTF7.encode(name).utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        }
    }

    @Test(arguments: [
        "&", "abc&ZeVn", "&ZeVnLIqe", "&Z-", "&AGE-", "&ZeV-", "&2D0-", "&3Gw-", "&ZeVnLIq*-", "é", "a\tb", "&AAk",
    ])
    func rejectsInvalidInput(_ wire: String) {
        #expect(throws: ModifiedUTF7.DecodingError.self) { try ModifiedUTF7.decode(wire) }
    }
}
