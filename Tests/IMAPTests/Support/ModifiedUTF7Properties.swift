import IMAP

#if canImport(TestSupport)
    import TestSupport  // SplitMix64, ByteMutator, Violation; fuzz/ compiles FuzzInput.swift in instead
#endif

/// Properties of the modified UTF-7 codec; shared by the fixed-seed tests and fuzz/Targets/utf7.
enum ModifiedUTF7Properties {
    /// `decode(encode(s)) == s`, and the encoding is printable US-ASCII only.
    static func checkRoundTrip(_ name: String) -> Violation? {
        let wire = ModifiedUTF7.encode(name)
        guard wire.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else {
            return Violation("encode(\(name.debugDescription)) = \(wire.debugDescription) is not printable ASCII")
        }
        do {
            let decoded = try ModifiedUTF7.decode(wire)
            guard decoded.unicodeScalars.elementsEqual(name.unicodeScalars) else {
                return Violation("round trip of \(name.debugDescription) gave \(decoded.debugDescription)")
            }
        } catch {
            return Violation("decode(encode(\(name.debugDescription))) threw \(error)")
        }
        return nil
    }

    /// Decoding arbitrary text either fails with the typed error or gives a name whose canonical
    /// encoding decodes to the same name.
    static func checkDecode(_ wire: String) -> Violation? {
        let name: String
        do {
            name = try ModifiedUTF7.decode(wire)
        } catch {
            return error.userMessage.isEmpty ? Violation("empty userMessage") : nil
        }
        return checkRoundTrip(name)
    }

    /// A random name mixing printable ASCII, `&`, `-`, controls, BMP, surrogate-adjacent and astral scalars.
    static func randomName(_ random: inout SplitMix64) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<random.below(24) {
            let value: UInt32
            switch random.below(9) {
            case 0: value = random.pick([0x26, 0x2D, 0x26, 0x2B, 0x2C, 0x2F])  // & - & + , /
            case 1, 2: value = 0x20 + UInt32(random.below(0x5F))
            case 3: value = UInt32(random.below(0x20))  // controls incl. NUL
            case 4: value = 0x7F + UInt32(random.below(0x100))
            case 5: value = random.pick([0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0xFEFF])  // around the surrogate range
            case 6: value = 0x1F600 + UInt32(random.below(0x50))  // emoji
            case 7: value = 0x10000 + UInt32(random.below(0x100000))  // any astral
            default: value = 0x80 + UInt32(random.below(0xD000))
            }
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }
}
