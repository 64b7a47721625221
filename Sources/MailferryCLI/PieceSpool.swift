import Foundation

/// Pieces of output text kept in an unnamed temporary file rather than in memory, a few per item
/// (one per `slot`), stored as items finish in any order and read back in the items' order. `plan`
/// and `verify` keep each user's rendered output here (`PlanOutput`, `VerifyOutput`), so that
/// thousands of mailboxes are held one user at a time, and `verify` keeps one user's manifest
/// entries here while it checks them (`ManifestEntrySpool`). The file is unlinked as soon as it is
/// created, so nothing is left behind, whatever ends the process. Plans and manifests hold no secrets.
final class PieceSpool {
    private let file: TemporaryFile
    /// Where each piece starts in the file and its length in bytes, by item, then slot.
    private var extents: [[(offset: UInt64, length: Int)?]]
    /// The piece stored last, which `appendToLastPiece` extends.
    private var last: (index: Int, slot: Int)?
    /// Pieces are read back in parts of about this many bytes, so that a piece of any size is never
    /// held whole (a mailbox's manifest has an entry per message). Below glibc's mmap threshold
    /// (128 KiB): parts of 1 MiB, each mapped and unmapped, raised the allocator's thresholds, and it
    /// then kept 16 MiB more of freed memory in a `verify --out` of 60,000 messages (RESULTS, R6).
    static let partSize = 1 << 16

    /// A spool for `count` items of `slots` pieces each, in `directory` (`TMPDIR` by default).
    init(count: Int, slots: Int, directory: URL = FileManager.default.temporaryDirectory) throws(CLIError) {
        file = try TemporaryFile(directory: directory)
        extents = Array(repeating: Array(repeating: nil, count: slots), count: count)
    }

    /// Keeps the piece of item `index` in `slot`; each once.
    func store(_ piece: String, at index: Int, slot: Int) throws(CLIError) {
        extents[index][slot] = (try file.append(piece), piece.utf8.count)
        last = (index, slot)
    }

    /// Adds `part` to the end of the piece stored last (nothing when none was).
    func appendToLastPiece(_ part: String) throws(CLIError) {
        guard let last, let extent = extents[last.index][last.slot] else { return }
        try file.append(part)
        extents[last.index][last.slot] = (extent.offset, extent.length + part.utf8.count)
    }

    /// The length in bytes of each item's piece in `slot`, in the items' order (nil: never stored).
    func lengths(slot: Int) -> [Int?] {
        extents.map { $0[slot]?.length }
    }

    /// The pieces in `slot`, in the items' order, the first `prefix` of them (an item without one is
    /// left out), each in parts of about `partSize` bytes that end at a line's end where the piece
    /// has one: `body` gets each part and whether it starts a piece.
    func forEachPart(slot: Int, prefix: Int = .max, _ body: (_ part: String, _ startsPiece: Bool) throws -> Void)
        throws
    {
        for item in extents.lazy.filter({ $0[slot] != nil }).prefix(prefix) {
            guard let extent = item[slot] else { continue }
            var offset = extent.offset
            var remaining = extent.length
            repeat {
                let data = try file.read(at: offset, count: min(remaining, Self.partSize))
                let bytes = data.count < remaining ? Self.wholeLines(data) : data[...]
                try body(String(decoding: bytes, as: UTF8.self), offset == extent.offset)
                offset += UInt64(bytes.count)
                remaining -= bytes.count
            } while remaining > 0
        }
    }

    /// The start of `data` up to its last line's end, so that no character is cut in two; without
    /// one, up to the end of the last character that `data` holds whole.
    private static func wholeLines(_ data: Data) -> Data.SubSequence {
        if let newline = data.lastIndex(of: UInt8(ascii: "\n")) { return data[...newline] }
        // The last character's first byte (one that is not 10xxxxxx) and the length it announces.
        var start = data.endIndex - 1
        while start > data.startIndex, data[start] & 0xC0 == 0x80 { start -= 1 }
        let lead = data[start]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        let cut = start + length <= data.endIndex ? data.endIndex : start
        return cut > data.startIndex ? data[..<cut] : data[...]
    }
}
