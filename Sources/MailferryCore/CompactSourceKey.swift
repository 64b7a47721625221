/// A message's source key as held in memory: IMAP's "uidvalidity:uid" as its two numbers, any other
/// key (a POP3 UIDL, a Maildir name) as its text. A sync baseline holds one per message of a folder,
/// and as a string each IMAP key took a heap block of its own (17 characters and more).
public struct CompactSourceKey: Sendable, Hashable, CustomStringConvertible {
    private var uidValidity: UInt32 = 0
    private var uid: UInt32 = 0
    /// Nil for an IMAP key held as numbers.
    private var text: String?

    /// IMAP's key of message `uid` under `uidValidity`.
    public init(uidValidity: UInt32, uid: UInt32) {
        self.uidValidity = uidValidity
        self.uid = uid
    }

    /// Any key; "uidvalidity:uid" in its canonical form (decimal numbers without leading zeros) is
    /// held as numbers, so that the same text always gives the same value.
    public init(_ key: String) {
        let bytes = Array(key.utf8)
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            let validity = Self.number(bytes[..<colon]), let uid = Self.number(bytes[(colon + 1)...])
        {
            uidValidity = validity
            self.uid = uid
        } else {
            text = key
        }
    }

    /// A canonical decimal UInt32 ("0", or digits without a leading zero), or nil.
    private static func number(_ digits: ArraySlice<UInt8>) -> UInt32? {
        guard let first = digits.first, digits.count <= 10, first != UInt8(ascii: "0") || digits.count == 1 else {
            return nil
        }
        var value: UInt64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(digit - UInt8(ascii: "0"))
        }
        return value <= UInt64(UInt32.max) ? UInt32(value) : nil
    }

    /// The UIDVALIDITY of this key when it is IMAP's key of message `uid`, else nil.
    public func uidValidity(forUID uid: UInt32) -> UInt32? {
        text == nil && self.uid == uid ? uidValidity : nil
    }

    /// The key as text, as the state stores it.
    public var description: String { text ?? "\(uidValidity):\(uid)" }
}
