/// A minimal RFC 5322 header reader: unfolds continuation lines and finds fields by name.
/// Only what identity and dates need; bodies and MIME are never parsed.
public struct HeaderFields: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(parsing bytes: [UInt8]) {
        // Header ends at the first empty line; decode leniently (8-bit headers exist in the wild).
        var lines: [String] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                var end = index
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: bytes[start..<end], as: UTF8.self)
                if line.isEmpty { break }
                lines.append(line)
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count, index >= bytes.count {
            let tail = String(decoding: bytes[start...], as: UTF8.self).trimmingTrailingCR()
            if !tail.isEmpty { lines.append(tail) }
        }
        for line in lines {
            if let first = line.first, first == " " || first == "\t" {
                if !fields.isEmpty { fields[fields.count - 1].value += " " + line.trimmed() }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon]).trimmed().lowercased()
            let value = String(line[line.index(after: colon)...]).trimmed()
            fields.append((name, value))
        }
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

extension String {
    fileprivate func trimmed() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }

    fileprivate func trimmingTrailingCR() -> String { hasSuffix("\r") ? String(dropLast()) : self }
}
