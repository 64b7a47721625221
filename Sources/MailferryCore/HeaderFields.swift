/// A minimal RFC 5322 header reader: unfolds continuation lines and finds fields by name.
/// Only what identity and dates need; bodies and MIME are never parsed.
public struct HeaderFields: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    /// Works on bytes and decodes each value once (leniently: 8-bit headers exist in the wild); it
    /// runs for every message listed, so it avoids per-character String work.
    public init(parsing bytes: [UInt8]) {
        let lineFeed = UInt8(ascii: "\n")
        let colon = UInt8(ascii: ":")
        var name: [UInt8] = []
        var value: [UInt8] = []
        var hasField = false
        func flush() {
            if hasField {
                fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            }
        }
        var index = 0
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] != lineFeed { end += 1 }
            var lineEnd = end
            if lineEnd > index, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            if lineEnd == index { break }  // the empty line that ends the header
            let line = bytes[index..<lineEnd]
            if Self.isBlank(bytes[index]) {
                if hasField {  // a folded continuation of the field before
                    value.append(UInt8(ascii: " "))
                    value.append(contentsOf: Self.trimmed(line))
                }
            } else if let separator = line.firstIndex(of: colon) {
                flush()
                name = Self.trimmed(bytes[index..<separator]).map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
                value = Array(Self.trimmed(bytes[(separator + 1)..<lineEnd]))
                hasField = true
            }
            index = end + 1
        }
        flush()
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// Without leading blanks and trailing blanks or CRs.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isBlank(first) { slice = slice.dropFirst() }
        while let last = slice.last, isBlank(last) || last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return slice
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
