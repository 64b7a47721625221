import Foundation

/// The one JSON encoding of every machine-readable output: keys sorted, pretty printed, slashes
/// unescaped, a trailing newline; no dates or other run-dependent values reach it, so the same
/// input always gives the same bytes.
enum StableJSON {
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
