import Foundation

/// The one JSON encoding of every machine-readable output: keys sorted, pretty printed, slashes
/// unescaped, a trailing newline; no dates or other run-dependent values reach it, so the same
/// input always gives the same bytes.
enum StableJSON {
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self) + "\n"
    }

    /// The same bytes as `encode` of a document whose last key is the array `key`, built an element
    /// at a time: `head` is the document with that array empty, `elements` its elements. JSONEncoder
    /// holds a tree of all it encodes, several times the size of its output; this way it holds one
    /// element's (bench/RESULTS.md, S8). Nil when `head` does not end with the empty array `key`.
    static func encode<Element: Encodable>(
        _ head: some Encodable, endingWith key: String, elements: [Element]
    ) throws -> String? {
        let encoder = encoder()
        var bytes = Array(try encoder.encode(head))
        // The pretty printer writes an empty array as "[", an empty line and "]" at its key's indentation.
        let emptyEnd = Array("\n  \"\(key)\" : [\n\n  ]\n}".utf8)
        guard bytes.count >= emptyEnd.count, bytes.suffix(emptyEnd.count).elementsEqual(emptyEnd) else { return nil }
        guard !elements.isEmpty else { return String(decoding: bytes, as: UTF8.self) + "\n" }
        bytes.removeLast("\n  ]\n}".utf8.count)
        // Each element as the document's second level: four more spaces on every line but the empty
        // ones (the pretty printer's empty arrays and objects), which no string value can hold.
        let indentation = Array("    ".utf8)
        for (index, element) in elements.enumerated() {
            var lineStarts = true
            for byte in try encoder.encode(element) {
                if lineStarts, byte != UInt8(ascii: "\n") { bytes += indentation }
                bytes.append(byte)
                lineStarts = byte == UInt8(ascii: "\n")
            }
            bytes += Array((index == elements.count - 1 ? "\n" : ",\n").utf8)
        }
        bytes += Array("  ]\n}\n".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }
}
