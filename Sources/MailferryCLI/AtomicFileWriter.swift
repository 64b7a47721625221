import Foundation

/// Writes a file so that readers see the old content or the new one, never half of it:
/// a temporary file in the same folder, then rename(2).
enum AtomicFileWriter {
    static func write(_ text: String, to path: String) throws {
        try write(to: path) { output in try output(text) }
    }

    /// The file's content written in pieces by `produce`; an error from `produce` leaves the old file
    /// and no temporary one.
    static func write(to path: String, _ produce: (_ output: (String) throws -> Void) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
            let file = try? FileHandle(forWritingTo: temporary)
        else {
            throw CLIError.cannotWrite(
                path, reason: "cannot create \(temporary.path); check that the folder exists and is writable")
        }
        do {
            try produce { text in
                do {
                    try file.write(contentsOf: Data(text.utf8))
                } catch {
                    throw CLIError.cannotWrite(path, reason: "\(error)")
                }
            }
            try file.close()
        } catch {
            try? file.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError.cannotWrite(path, reason: reason)
        }
    }
}
