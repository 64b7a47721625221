/// IMAP's modified UTF-7 (RFC 3501 5.1.3), the encoding Dovecot uses for Maildir++ directory names
/// and the `subscriptions` file (with its default `mailbox_list_utf8 = no`).
///
/// Kept internal to the Maildir store on purpose: the IMAP target has its own codec and the two can be
/// unified once both have landed.
enum ModifiedUTF7 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    /// Printable ASCII except "&" stays as is, "&" becomes "&-", everything else is base64 of UTF-16BE
    /// between "&" and "-" (with "," for "/" and no padding).
    static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        var pending: [UInt16] = []

        func flush() {
            guard !pending.isEmpty else { return }
            output.append(UInt8(ascii: "&"))
            var bytes: [UInt8] = []
            for unit in pending { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            var index = 0
            while index < bytes.count {
                let b0 = bytes[index]
                let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
                let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
                output.append(alphabet[Int(b0 >> 2)])
                output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
                if index + 1 < bytes.count { output.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]) }
                if index + 2 < bytes.count { output.append(alphabet[Int(b2 & 0x3F)]) }
                index += 3
            }
            output.append(UInt8(ascii: "-"))
            pending.removeAll()
        }

        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20, scalar.value <= 0x7E {
                flush()
                output.append(UInt8(scalar.value))
                if scalar == "&" { output.append(UInt8(ascii: "-")) }
            } else {
                pending += Array(String(scalar).utf16)
            }
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    /// Nil when `text` is not valid modified UTF-7 (the caller then shows the raw name).
    static func decode(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var result = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= 0x20, byte <= 0x7E else { return nil }
            if byte != UInt8(ascii: "&") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            guard let end = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "-")) else { return nil }
            if end == index + 1 {
                result += "&"
            } else {
                guard let units = decodeBase64UTF16(bytes[(index + 1)..<end]) else { return nil }
                var decoded = ""
                for piece in Unicode.UTF16.decodeAll(units) {
                    guard let scalar = piece else { return nil }
                    // RFC 3501: printable ASCII must not be base64-encoded.
                    if scalar.value >= 0x20, scalar.value <= 0x7E { return nil }
                    decoded.unicodeScalars.append(scalar)
                }
                result += decoded
            }
            index = end + 1
        }
        return result
    }

    private static func decodeBase64UTF16(_ digits: ArraySlice<UInt8>) -> [UInt16]? {
        var bits: UInt32 = 0
        var bitCount = 0
        var bytes: [UInt8] = []
        for digit in digits {
            guard let value = alphabet.firstIndex(of: digit) else { return nil }
            bits = bits << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8((bits >> UInt32(bitCount)) & 0xFF))
            }
        }
        // Leftover bits must be zero padding, and UTF-16 needs whole code units.
        guard bitCount < 6, bits & ((1 << UInt32(bitCount)) - 1) == 0, bytes.count % 2 == 0, !bytes.isEmpty else {
            return nil
        }
        return stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
    }
}

extension Unicode.UTF16 {
    /// Decodes code units into scalars; nil entries mark invalid sequences (lone surrogates).
    fileprivate static func decodeAll(_ units: [UInt16]) -> [Unicode.Scalar?] {
        var iterator = units.makeIterator()
        var decoder = Unicode.UTF16()
        var scalars: [Unicode.Scalar?] = []
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break loop
            case .error: scalars.append(nil)
            }
        }
        return scalars
    }
}
