/// What this store reads from and writes to Dovecot's `dovecot-uidlist` (version 3, Dovecot 1.1 and
/// later), the file that gives each message file of a Maildir folder its IMAP UID:
///
///     3 V<uidvalidity> N<next uid> G<mailbox guid> [<key><value>...]
///     <uid> [<key><value>...] :<base file name>
///
/// Records are in ascending UID order; Dovecot appends new ones without rewriting the header, so the
/// next UID is the header's N or one past the last record, whichever is higher. Of the record fields
/// this store writes only `P`, the POP3 UIDL that Dovecot's POP3 server answers instead of its
/// `pop3_uidl_format` (maildir-uidlist.h: MAILDIR_UIDLIST_REC_EXT_POP3_UIDL).
struct DovecotUIDList: Equatable {
    static let fileName = "dovecot-uidlist"
    /// Dovecot's dotlock for the file: whoever holds it may add records.
    static let lockFileName = "dovecot-uidlist.lock"

    var uidValidity: UInt32
    /// The lowest UID a new record may take.
    var nextUID: UInt32
    var recordCount: Int

    init(uidValidity: UInt32, nextUID: UInt32, recordCount: Int) {
        self.uidValidity = uidValidity
        self.nextUID = nextUID
        self.recordCount = recordCount
    }

    /// Nil for a file this store does not write to: another version (1 is Courier's format), a header
    /// without UIDVALIDITY or next UID, records out of order, a last line cut short. Dovecot repairs
    /// such a file itself.
    init?(parsing bytes: [UInt8]) {
        guard bytes.last == UInt8(ascii: "\n") else { return nil }
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard let header = lines.first.map({ String(decoding: $0, as: UTF8.self) }), header.hasPrefix("3 ") else {
            return nil
        }
        var validity: UInt32?
        var next: UInt32?
        for field in header.dropFirst(2).split(separator: " ") {
            switch field.first {
            case "V": validity = UInt32(field.dropFirst())
            case "N": next = UInt32(field.dropFirst())
            default: continue
            }
        }
        guard let validity, validity != 0, let next, next != 0 else { return nil }
        var lastUID: UInt32 = 0
        var count = 0
        for line in lines.dropFirst() {
            guard let uid = UInt32(String(decoding: line.prefix(while: { $0 != UInt8(ascii: " ") }), as: UTF8.self)),
                uid > lastUID
            else { return nil }
            lastUID = uid
            count += 1
        }
        uidValidity = validity
        nextUID = lastUID == UInt32.max ? lastUID : max(next, lastUID + 1)
        recordCount = count
    }

    /// The header line of a new file; `guid` is 16 random bytes (Dovecot adds one to a file without).
    static func header(uidValidity: UInt32, nextUID: UInt32, guid: [UInt8]) -> String {
        "3 V\(uidValidity) N\(nextUID) G\(guid.map { hex($0) }.joined())\n"
    }

    /// One record line; a UIDL Dovecot could not read back (empty, spaces, control characters) is left out.
    static func record(uid: UInt32, pop3UIDL: String?, base: String) -> String {
        let uidl = pop3UIDL.flatMap { isStorableUIDL($0) ? " P\($0)" : nil } ?? ""
        return "\(uid)\(uidl) :\(base)\n"
    }

    /// RFC 1939 UIDLs are 1 to 70 characters 0x21-0x7E; such a value fits one space-separated field.
    static func isStorableUIDL(_ uidl: String) -> Bool {
        !uidl.isEmpty && uidl.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
