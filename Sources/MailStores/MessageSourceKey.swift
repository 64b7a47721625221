import MailferryCore

/// The `MessageSummary.sourceKey` each source store writes, and what a destination may read back from
/// it: `<uidvalidity>:<uid>` for IMAP, `uidl:<UIDL>` for POP3. The Maildir store keeps both in Dovecot's
/// `dovecot-uidlist`, so that clients of the new server find the UIDs and UIDLs they cached.
enum MessageSourceKey: Equatable {
    case imap(uidValidity: UInt32, uid: UInt32)
    case pop3(uidl: String)
    /// Anything else (another store's key, an IMAP folder without UIDVALIDITY).
    case other

    static let pop3Prefix = "uidl:"

    static func imapKey(uidValidity: UInt32, uid: UInt32) -> String { "\(uidValidity):\(uid)" }
    static func pop3Key(uidl: String) -> String { pop3Prefix + uidl }

    init(_ key: String) {
        if key.hasPrefix(Self.pop3Prefix) {
            let uidl = String(key.dropFirst(Self.pop3Prefix.count))
            self = uidl.isEmpty ? .other : .pop3(uidl: uidl)
            return
        }
        let parts = key.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, let validity = UInt32(parts[0]), let uid = UInt32(parts[1]), validity != 0, uid != 0 {
            self = .imap(uidValidity: validity, uid: uid)
        } else {
            self = .other
        }
    }
}
