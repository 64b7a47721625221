import Foundation
import MailferryCore

/// The IMAP keyword a Gmail label becomes with `folders.labels: keywords`. A keyword is an atom
/// (RFC 3501 `flag-keyword`): printable ASCII without space, `(`, `)`, `{`, `%`, `*`, `"`, `\`, `]`.
/// The name of the folder the label would have been copied to (`Work/Projects`, `Sent`) is written
/// with non-ASCII text in modified UTF-7, as IMAP writes mailbox names (`Entwürfe` ->
/// `Entw&APw-rfe`), then every character an atom cannot hold becomes `_` (`Muy Importante` ->
/// `Muy_Importante`, `A (old)` -> `A__old_`). A name starting with `$` (the prefix of clients'
/// own keywords such as `$Forwarded`) gets a `_` in front.
enum LabelKeyword {
    static func keyword(for folder: MailboxPath) -> String {
        var bytes: [UInt8] = []
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            let big = pending.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            let base64 = Data(big).base64EncodedString().replacingOccurrences(of: "=", with: "")
            bytes += Array(("&" + base64.replacingOccurrences(of: "/", with: ",") + "-").utf8)
            pending = []
        }
        for scalar in folder.description.unicodeScalars {
            if scalar.isASCII {
                flush()
                let byte = UInt8(scalar.value)
                bytes += byte == UInt8(ascii: "&") ? Array("&-".utf8) : [isAtomChar(byte) ? byte : UInt8(ascii: "_")]
            } else {
                pending += Array(String(scalar).utf16)
            }
        }
        flush()
        let text = String(decoding: bytes, as: UTF8.self)
        return text.isEmpty || text.hasPrefix("$") ? "_" + text : text
    }

    /// `ATOM-CHAR` of RFC 3501: printable ASCII but for the atom specials.
    static func isAtomChar(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && !atomSpecials.contains(byte)
    }

    private static let atomSpecials = Set("(){%*\"\\]".utf8)
}
