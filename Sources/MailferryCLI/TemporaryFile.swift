import Foundation

/// An unnamed temporary file: text appended at its end and read back from anywhere. It is unlinked
/// as soon as it is created, so nothing is left behind, whatever ends the process. What `plan` and
/// `verify` keep out of memory goes here (`PieceSpool`, `ManifestEntrySpool`); it holds no secrets.
final class TemporaryFile {
    private let file: FileHandle
    private let directory: URL
    /// The file's size: where the next text goes.
    private(set) var end: UInt64 = 0

    /// A new file in `directory` (`TMPDIR` by default).
    init(directory: URL = FileManager.default.temporaryDirectory) throws(CLIError) {
        var template = Array(directory.appendingPathComponent("mailferry-plan.XXXXXX").path.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let path = buffer.baseAddress else { return -1 }
            return mkstemp(path)
        }
        guard descriptor >= 0 else { throw .outputSpool(directory.path, reason: String(cString: strerror(errno))) }
        unlink(template)
        file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        self.directory = directory
    }

    /// Appends `text`; returns where it starts.
    @discardableResult
    func append(_ text: String) throws(CLIError) -> UInt64 {
        let start = end
        do {
            try file.seek(toOffset: start)
            try file.write(contentsOf: Data(text.utf8))
        } catch {
            throw .outputSpool(directory.path, reason: "\(error)")
        }
        end += UInt64(text.utf8.count)
        return start
    }

    /// The `count` bytes at `offset`, all of them.
    func read(at offset: UInt64, count: Int) throws(CLIError) -> Data {
        let data: Data
        do {
            try file.seek(toOffset: offset)
            data = try file.read(upToCount: count) ?? Data()
        } catch {
            throw .outputSpool(directory.path, reason: "\(error)")
        }
        guard data.count == count else { throw .outputSpool(directory.path, reason: "the file was cut short") }
        return data
    }

    /// Empties the file, to be filled again from its start.
    func removeAll() throws(CLIError) {
        do {
            try file.truncate(atOffset: 0)
        } catch {
            throw .outputSpool(directory.path, reason: "\(error)")
        }
        end = 0
    }
}
