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
    static func element(_ value: some Encodable) throws -> String {
        var bytes: [UInt8] = []
        var lineStarts = true
        for byte in try encoder().encode(value) {
            if lineStarts, byte != UInt8(ascii: "\n") { bytes += "    ".utf8 }
            bytes.append(byte)
            lineStarts = byte == UInt8(ascii: "\n")
        }
        return String(decoding: bytes, as: UTF8.self)
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
                for value in elements { try body(try element(value)) }
            }, to: output)
    }

    /// Writes a document from its `opening` and its elements, each already encoded by `element` and
    /// handed over in order by `encodedElements` (from a spool, say).
    static func write(
        opening: String, encodedElements: (_ body: (String) throws -> Void) throws -> Void,
        to output: (String) throws -> Void
    ) throws {
        // The opening goes out with the first element, or with the closing when there is none.
        var opened = false
        try withoutActuallyEscaping(output) { output in
            try encodedElements { element in
                try output((opened ? separator : opening) + element)
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
