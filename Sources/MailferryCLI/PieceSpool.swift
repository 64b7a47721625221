import Foundation

/// Pieces of output text kept in an unnamed temporary file rather than in memory, a few per item
/// (one per `slot`), stored as items finish in any order and read back in the items' order. `plan`
/// and `verify` keep each user's rendered output here (`PlanOutput`, `VerifyOutput`), so that
/// thousands of mailboxes are held one user at a time. The file is unlinked as soon as it is created, so nothing is left
/// behind, whatever ends the process. Plans and manifests hold no secrets.
final class PieceSpool {
    private let file: FileHandle
    private let directory: URL
    /// Where each piece starts in the file and its length in bytes, by item, then slot.
    private var extents: [[(offset: UInt64, length: Int)?]]
    private var end: UInt64 = 0

    /// A spool for `count` items of `slots` pieces each, in `directory` (`TMPDIR` by default).
    init(count: Int, slots: Int, directory: URL = FileManager.default.temporaryDirectory) throws(CLIError) {
        var template = Array(directory.appendingPathComponent("mailferry-plan.XXXXXX").path.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let path = buffer.baseAddress else { return -1 }
            return mkstemp(path)
        }
        guard descriptor >= 0 else { throw .outputSpool(directory.path, reason: String(cString: strerror(errno))) }
        unlink(template)
        file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        self.directory = directory
        extents = Array(repeating: Array(repeating: nil, count: slots), count: count)
    }

    /// Keeps the piece of item `index` in `slot`; each once.
    func store(_ piece: String, at index: Int, slot: Int) throws(CLIError) {
        let data = Data(piece.utf8)
        do {
            try file.seek(toOffset: end)
            try file.write(contentsOf: data)
        } catch {
            throw .outputSpool(directory.path, reason: "\(error)")
        }
        extents[index][slot] = (end, data.count)
        end += UInt64(data.count)
    }

    /// The length in bytes of each item's piece in `slot`, in the items' order (nil: never stored).
    func lengths(slot: Int) -> [Int?] {
        extents.map { $0[slot]?.length }
    }

    /// The pieces in `slot`, in the items' order, the first `prefix` of them; an item without one is
    /// left out.
    func forEachPiece(slot: Int, prefix: Int = .max, _ body: (String) throws -> Void) throws {
        for item in extents.lazy.filter({ $0[slot] != nil }).prefix(prefix) {
            guard let extent = item[slot] else { continue }
            let data: Data
            do {
                try file.seek(toOffset: extent.offset)
                data = try file.read(upToCount: extent.length) ?? Data()
            } catch {
                throw CLIError.outputSpool(directory.path, reason: "\(error)")
            }
            guard data.count == extent.length else {
                throw CLIError.outputSpool(directory.path, reason: "the file was cut short")
            }
            try body(String(decoding: data, as: UTF8.self))
        }
    }
}
