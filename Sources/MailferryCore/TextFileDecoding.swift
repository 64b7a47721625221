import Foundation

/// Turns the bytes of a file an admin wrote (job file, users file) into text: UTF-8, with or without
/// a byte order mark. Anything else is refused with a position and a way out, because a guessed
/// encoding would silently change passwords.
public enum TextFileDecoding {
    public enum Failure: Error, Sendable, Equatable {
        /// UTF-16 or UTF-32 (a byte order mark says which): what spreadsheets save as "Unicode text".
        case utf16OrUTF32(name: String)
        /// The first byte that is not valid UTF-8, 1-based, columns counted in characters before it.
        case notUTF8(line: Int, column: Int, byte: UInt8)

        /// Where the problem is, 1-based (a byte order mark is at 1:1).
        public var line: Int {
            if case .notUTF8(let line, _, _) = self { return line }
            return 1
        }

        public var column: Int {
            if case .notUTF8(_, let column, _) = self { return column }
            return 1
        }

        /// What the admin should do; `kind` names the file ("users file", "job file").
        public func message(kind: String) -> String {
            switch self {
            case .utf16OrUTF32(let name):
                return "\(kind) is \(name) text, not UTF-8 (a spreadsheet's \"Unicode text\"); save it as "
                    + "\"CSV UTF-8\" or convert it: iconv -f \(name) -t UTF-8 FILE > FILE.utf8"
            case .notUTF8(_, _, let byte):
                let hex = "0x" + String(byte, radix: 16, uppercase: true)
                return "\(kind) is not UTF-8 text: byte \(hex) here is not valid UTF-8 (probably Windows-1252 or "
                    + "Latin-1); save it as \"CSV UTF-8\" or convert it: iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8"
            }
        }
    }

    private static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The text without a UTF-8 byte order mark.
    public static func decode(_ data: Data) -> Result<String, Failure> {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            return .failure(.utf16OrUTF32(name: "UTF-32"))
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .failure(.utf16OrUTF32(name: "UTF-16"))
        }
        let body = bytes.starts(with: utf8BOM) ? bytes.dropFirst(utf8BOM.count) : bytes[...]
        if let text = String(validating: body, as: UTF8.self) { return .success(text) }
        return .failure(firstInvalidByte(in: body))
    }

    /// The position of the first byte that does not decode, found by decoding the valid prefix.
    private static func firstInvalidByte(in bytes: ArraySlice<UInt8>) -> Failure {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var validLength = 0
        var line = 1
        var column = 1
        var previousWasCR = false
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                validLength += UTF8.width(scalar)
                if scalar == "\n" {
                    if !previousWasCR { line += 1 }
                    column = 1
                } else if scalar == "\r" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                previousWasCR = scalar == "\r"
            case .emptyInput, .error:
                break decoding
            }
        }
        let offset = bytes.startIndex + validLength
        return .notUTF8(line: line, column: column, byte: offset < bytes.endIndex ? bytes[offset] : 0)
    }
}
