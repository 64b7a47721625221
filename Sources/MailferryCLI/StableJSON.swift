import Foundation

/// The one JSON encoding of every machine-readable output: keys sorted, pretty printed, slashes
/// unescaped, a trailing newline; no dates or other run-dependent values reach it, so the same
/// input always gives the same bytes.
enum StableJSON {
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self) + "\n"
    }

    // A document whose last key is an array can be written in pieces: `opening`, the `element`s with
    // `separator` between them, then `closing`; the same bytes as `encode` of the whole. JSONEncoder
    // holds a tree of all it encodes, several times the size of its output; this way it holds one
    // element's, and the document is never whole in memory (bench/RESULTS.md, S8 and P1).

    /// `head` (the document with the array `key` empty) up to the array's first element; nil when
    /// `head` does not end with that empty array.
    static func opening(_ head: some Encodable, endingWith key: String) throws -> String? {
        let bytes = try encoder().encode(head)
        // The pretty printer writes an empty array as "[", an empty line and "]" at its key's indentation.
        let emptyEnd = Array("\n  \"\(key)\" : [\n\n  ]\n}".utf8)
        guard bytes.count >= emptyEnd.count, bytes.suffix(emptyEnd.count).elementsEqual(emptyEnd) else { return nil }
        return String(decoding: bytes.dropLast("\n  ]\n}".utf8.count), as: UTF8.self)
    }

    /// One element as the document's second level: four more spaces on every line but the empty
    /// ones (the pretty printer's empty arrays and objects), which no string value can hold.
    /// `depth` 2 makes it an element of an array in such an element (a manifest's messages).
    static func element(_ value: some Encodable, depth: Int = 1) throws -> String {
        let indentation = Array(repeating: UInt8(ascii: " "), count: 4 * depth)
        var bytes: [UInt8] = []
        var lineStarts = true
        for byte in try encoder().encode(value) {
            if lineStarts, byte != UInt8(ascii: "\n") { bytes += indentation }
            bytes.append(byte)
            lineStarts = byte == UInt8(ascii: "\n")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` as an `element`, cut where its array `key` (empty in `value`) is: the text up to the
    /// array's first element and from after its last. Elements of `depth` 2 joined by `separator`
    /// between the two give the bytes of `value` with those elements in the array. Nil when `value`
    /// has no such empty array.
    static func element(_ value: some Encodable, around key: String) throws -> (before: String, after: String)? {
        let text = try element(value)
        // An element's keys are six spaces in, and its empty arrays end at their key's indentation. No
        // string value holds a line break, so this is the key's array and nothing else.
        let emptyArray = "\"\(key)\" : [\n\n      ]"
        guard let range = text.range(of: emptyArray) else { return nil }
        let opened = text.index(range.lowerBound, offsetBy: emptyArray.count - "\n      ]".count)
        return (String(text[..<opened]), String(text[opened...]))
    }

    /// Writes `head` (the document with the array `key` empty, its last key) and `elements` in
    /// pieces, an element at a time; `document` names it in the error should `head` not end so.
    static func write<Elements: Sequence>(
        _ head: some Encodable, endingWith key: String, elements: Elements, document: String,
        to output: (String) throws -> Void
    ) throws where Elements.Element: Encodable {
        guard let opening = try opening(head, endingWith: key) else { throw CLIError.jsonLayout(document) }
        try write(
            opening: opening,
            encodedElements: { body in
                for value in elements { try body(try element(value), true) }
            }, to: output)
    }

    /// Writes a document from its `opening` and its elements, each already encoded by `element` and
    /// handed over in order by `encodedElements` (from a spool, say), whole or in parts: `body` gets
    /// each part and whether it starts an element.
    static func write(
        opening: String,
        encodedElements: (_ body: (_ part: String, _ startsElement: Bool) throws -> Void) throws -> Void,
        to output: (String) throws -> Void
    ) throws {
        // The opening goes out with the first element, or with the closing when there is none.
        var opened = false
        try withoutActuallyEscaping(output) { output in
            try encodedElements { part, startsElement in
                guard startsElement else { return try output(part) }
                try output((opened ? separator : opening) + part)
                opened = true
            }
        }
        try output((opened ? "" : opening) + closing)
    }

    static let separator = ",\n"
    /// After the last element, or right after the opening when there is none: then it is the empty
    /// line the pretty printer writes in an empty array.
    static let closing = "\n  ]\n}\n"

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }
}
