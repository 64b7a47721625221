import Foundation

/// Writes a file so that readers see the old content or the new one, never half of it:
/// a temporary file in the same folder, then rename(2).
enum AtomicFileWriter {
    static func write(_ text: String, to path: String) throws(CLIError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(text.utf8)) else {
            throw .cannotWrite(
                path, reason: "cannot create \(temporary.path); check that the folder exists and is writable")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path, reason: reason)
        }
    }
}
