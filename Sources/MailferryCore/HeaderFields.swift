/// A minimal RFC 5322 header reader: unfolds continuation lines and finds fields by name.
/// Only what identity and dates need; bodies and MIME are never parsed.
public struct HeaderFields: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    /// Works on bytes and decodes each name and value once, straight from the header's bytes
    /// (leniently: 8-bit headers exist in the wild); it runs for every message listed, so it avoids
    /// per-character String work and copies of the bytes.
    public init(parsing bytes: [UInt8]) {
        let lineFeed = UInt8(ascii: "\n")
        let colon = UInt8(ascii: ":")
        var name = ""
        var value: Range<Int>?
        /// The value with its folded continuations, once it has any.
        var unfolded: [UInt8]?
        func flush() {
            guard let range = value else { return }
            let text =
                unfolded.map { String(decoding: $0, as: UTF8.self) }
                ?? String(decoding: bytes[range], as: UTF8.self)
            fields.append((name, text))
        }
        var index = 0
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] != lineFeed { end += 1 }
            var lineEnd = end
            if lineEnd > index, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            if lineEnd == index { break }  // the empty line that ends the header
            if Self.isBlank(bytes[index]) {
                if let range = value {  // a folded continuation of the field before
                    var folded = unfolded ?? Array(bytes[range])
                    folded.append(UInt8(ascii: " "))
                    folded.append(contentsOf: bytes[Self.trimmed(index..<lineEnd, in: bytes)])
                    unfolded = folded
                }
            } else if let separator = bytes[index..<lineEnd].firstIndex(of: colon) {
                flush()
                name = Self.lowercased(bytes[Self.trimmed(index..<separator, in: bytes)])
                value = Self.trimmed((separator + 1)..<lineEnd, in: bytes)
                unfolded = nil
            }
            index = end + 1
        }
        flush()
    }

    /// ASCII letters lowered, written straight into the String (a name of up to 15 bytes is held
    /// inline, without an allocation).
    private static func lowercased(_ name: ArraySlice<UInt8>) -> String {
        String(unsafeUninitializedCapacity: name.count) { buffer in
            for (offset, byte) in name.enumerated() {
                buffer[offset] = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
            }
            return name.count
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// Without leading blanks and trailing blanks or CRs.
    private static func trimmed(_ range: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
        var (start, end) = (range.lowerBound, range.upperBound)
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<end
    }

    /// The first field with this (case-insensitive) name.
    public func value(of name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name == lowered }?.value
    }

    /// Every field with this name, in header order (e.g. `Received:` newest first).
    public func values(of name: String) -> [String] {
        let lowered = name.lowercased()
        return fields.filter { $0.name == lowered }.map(\.value)
    }
}
