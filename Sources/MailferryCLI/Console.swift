import Foundation

/// Standard output and error of the process, and whether they get colors.
/// Writes go straight to the file descriptors, so stdout and stderr never wait on a buffer.
struct Console: Sendable {
    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Colors only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
    static func colorsEnabled(fileDescriptor: Int32, environment: [String: String]) -> Bool {
        environment["NO_COLOR"] == nil && isatty(fileDescriptor) == 1
    }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }
}
