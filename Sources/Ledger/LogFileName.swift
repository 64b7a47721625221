import MailferryCore

/// A user name made safe as a file name inside the logs folder: bytes outside [A-Za-z0-9._@+-] are
/// percent-encoded ("%" too, so the mapping is one-to-one), and a leading "." is encoded, so the
/// result is never ".", "..", hidden, or a path. Very long names are shortened with a hash.
enum LogFileName {
    static let maximumLength = 200

    static func stem(for sourceUser: String) -> String {
        if sourceUser.isEmpty { return "~" }  // "~" is otherwise always encoded, so this cannot collide
        var encoded = ""
        for (offset, byte) in sourceUser.utf8.enumerated() {
            if isKept(byte), !(offset == 0 && byte == UInt8(ascii: ".")) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + hex(byte)
            }
        }
        guard encoded.utf8.count > maximumLength else { return encoded }
        // Cut before a "%XX" sequence, then add "~" (otherwise always encoded) and a hash of the whole name.
        var cut = Array(encoded.utf8.prefix(maximumLength - 34))
        if let percent = cut.suffix(2).lastIndex(of: UInt8(ascii: "%")) { cut.removeSubrange(percent...) }
        let digest = SHA256Hasher.hexDigest(of: Array(sourceUser.utf8)).prefix(32)
        return String(decoding: cut, as: UTF8.self) + "~" + digest
    }

    static func fileName(for sourceUser: String) -> String { stem(for: sourceUser) + ".log" }

    private static func isKept(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
