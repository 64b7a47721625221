/// The small value grammars of job files: durations, sizes, names.
enum ValueSyntax {
    /// `120s`, `2m`, `1h`, `500ms` or a bare number of seconds.
    static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        let trimmed = text.trimmingWhitespace
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = String(trimmed.dropLast(unit.suffix.count))
            // "ms" also ends in "s": only accept a pure number before the suffix.
            guard let value = Int64(number), number.allSatisfy(\.isASCIIDigit) else { continue }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
            return overflow ? nil : .milliseconds(product)
        }
        guard trimmed.allSatisfy(\.isASCIIDigit), let seconds = Int64(trimmed) else { return nil }
        return .seconds(seconds)
    }

    /// `35MB`, `10MiB`, `500KB`, `1 GB`, `2048B` or a bare number of bytes. KB/MB/GB are powers of 1000,
    /// KiB/MiB/GiB powers of 1024, as `ls -h --si` and `ls -h` print them.
    static func size(_ text: String) -> Int64? {
        let units: [(suffix: String, factor: Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
            ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1),
        ]
        let trimmed = text.trimmingWhitespace
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = String(trimmed.dropLast(unit.suffix.count)).trimmingWhitespace
            guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), let value = Int64(number) else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit.factor)
            return overflow ? nil : product
        }
        guard !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int64(trimmed)
    }

    /// `[A-Za-z0-9._-]{1,64}`.
    static func isValidJobName(_ name: String) -> Bool {
        (1...64).contains(name.unicodeScalars.count)
            && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// A hostname (letters, digits, "-", "_", dot-separated labels), an IPv4 address, or an IPv6
    /// address (hex digits, ":" and "." with an optional `%zone`), unbracketed.
    static func isValidHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.unicodeScalars.count <= 253 else { return false }
        if host.contains(":") {
            let parts = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
            let address = parts[0]
            guard address.contains("::") || address.split(separator: ":", omittingEmptySubsequences: false).count >= 3
            else { return false }
            let zoneOK =
                parts.count == 1
                || (!parts[1].isEmpty
                    && parts[1].unicodeScalars.allSatisfy {
                        $0.isASCIIAlphanumeric || $0 == "_" || $0 == "-" || $0 == "."
                    })
            return zoneOK && address.unicodeScalars.allSatisfy { $0.isASCIIHexDigit || $0 == ":" || $0 == "." }
        }
        let labels = (host.hasSuffix(".") ? String(host.dropLast()) : host).split(
            separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" }
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }

    var isASCIIHexDigit: Bool {
        ("a"..."f").contains(self) || ("A"..."F").contains(self) || ("0"..."9").contains(self)
    }
}
