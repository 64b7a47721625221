import Foundation

/// Finds the executable a command line names, as a shell would: a name with a "/" is a path
/// (relative to `directory`), any other name is looked up in the PATH given (the CLI passes its own).
public struct ProgramLookup: Sendable {
    public var searchPath: [String]
    public var directory: String

    public init(path: String?, directory: String) {
        searchPath = (path ?? "").split(separator: ":").map(String.init)
        self.directory = directory
    }

    /// The absolute path of an executable file, or nil.
    public func executable(_ name: String) -> String? {
        guard !name.isEmpty else { return nil }
        if name.contains("/") {
            let full = name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
            return FileManager.default.isExecutableFile(atPath: full) ? (full as NSString).standardizingPath : nil
        }
        return searchPath.map { ($0 as NSString).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
