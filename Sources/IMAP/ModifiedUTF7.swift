/// Modified UTF-7 for IMAP mailbox names (RFC 3501 section 5.1.3).
///
/// Printable US-ASCII except `&` stands for itself; `&` is written `&-`; every other character is
/// UTF-16, encoded in modified BASE64 (`,` instead of `/`, no padding) between `&` and `-`.
public enum ModifiedUTF7 {
    public enum DecodingError: Error, Sendable, Equatable {
        /// A byte outside printable US-ASCII appeared unencoded.
        case unencodedCharacter(offset: Int)
        /// A `&` section was not closed by `-`.
        case unterminatedShift(offset: Int)
        case invalidBase64(offset: Int)
        /// The UTF-16 inside a shift was not whole, had leftover bits, or broke a surrogate pair.
        case invalidUTF16(offset: Int)
        /// Printable ASCII was encoded although it must be written directly.
        case encodedPrintableASCII(offset: Int)

        public var userMessage: String {
            "mailbox name is not valid modified UTF-7 (RFC 3501 5.1.3): " + reason
        }

        private var reason: String {
            switch self {
            case .unencodedCharacter(let offset): "unencoded non-ASCII byte at offset \(offset)"
            case .unterminatedShift(let offset): "'&' at offset \(offset) is not closed by '-'"
            case .invalidBase64(let offset): "invalid base64 at offset \(offset)"
            case .invalidUTF16(let offset): "invalid UTF-16 in the section at offset \(offset)"
            case .encodedPrintableASCII(let offset): "printable ASCII encoded at offset \(offset)"
            }
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    private static func isDirect(_ byte: UInt8) -> Bool { byte >= 0x20 && byte <= 0x7E }

    /// Encodes a mailbox name for the wire.
    public static func encode(_ name: String) -> String {
        var output: [UInt8] = []
        var pending: [UInt16] = []

        func flush() {
            guard !pending.isEmpty else { return }
            output.append(UInt8(ascii: "&"))
            var bytes: [UInt8] = []
            for unit in pending {
                bytes.append(UInt8(unit >> 8))
                bytes.append(UInt8(unit & 0xFF))
            }
            var index = 0
            while index < bytes.count {
                let chunk = bytes[index..<min(index + 3, bytes.count)]
                let value = chunk.enumerated().reduce(UInt32(0)) {
                    $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset))
                }
                let characters = chunk.count + 1
                for position in 0..<characters {
                    output.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)])
                }
                index += 3
            }
            output.append(UInt8(ascii: "-"))
            pending.removeAll()
        }

        for scalar in name.unicodeScalars {
            if scalar.isASCII, isDirect(UInt8(scalar.value)) {
                flush()
                output.append(UInt8(scalar.value))
                if scalar == "&" { output.append(UInt8(ascii: "-")) }
            } else {
                pending.append(contentsOf: String(scalar).utf16)
            }
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes a wire mailbox name; invalid input is an error rather than a guess.
    public static func decode(_ wire: String) throws(DecodingError) -> String {
        let bytes = Array(wire.utf8)
        var output = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard isDirect(byte) else { throw .unencodedCharacter(offset: index) }
            guard byte == UInt8(ascii: "&") else {
                output.unicodeScalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            let start = index
            guard let end = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "-")) else {
                throw .unterminatedShift(offset: start)
            }
            if end == index + 1 {
                output.append("&")
            } else {
                output += try decodeSection(bytes[(index + 1)..<end], offset: start)
            }
            index = end + 1
        }
        return output
    }

    private static func decodeSection(_ section: ArraySlice<UInt8>, offset: Int) throws(DecodingError) -> String {
        var bits: UInt32 = 0
        var bitCount = 0
        var octets: [UInt8] = []
        for (position, character) in section.enumerated() {
            guard let value = alphabet.firstIndex(of: character) else {
                throw .invalidBase64(offset: offset + 1 + position)
            }
            bits = (bits << 6) | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                octets.append(UInt8((bits >> UInt32(bitCount)) & 0xFF))
            }
        }
        // Leftover bits must be fewer than six and zero (RFC 2152 via RFC 3501).
        guard bitCount < 6, bits & ((1 << UInt32(bitCount)) - 1) == 0, octets.count % 2 == 0 else {
            throw .invalidUTF16(offset: offset)
        }
        var units: [UInt16] = []
        for pair in stride(from: 0, to: octets.count, by: 2) {
            units.append(UInt16(octets[pair]) << 8 | UInt16(octets[pair + 1]))
        }
        var decoded = ""
        var iterator = units.makeIterator()
        var decoder = UTF16()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.isASCII, isDirect(UInt8(scalar.value)) { throw .encodedPrintableASCII(offset: offset) }
                decoded.unicodeScalars.append(scalar)
            case .emptyInput:
                return decoded
            case .error:
                throw .invalidUTF16(offset: offset)
            }
        }
    }
}
