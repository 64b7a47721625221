import Foundation

/// Asks git whether a file is tracked (a users file in git leaks every password in it).
/// No git, or a folder outside any repository, counts as "not tracked".
enum GitTrackedFileCheck {
    static func isTracked(_ path: String) -> Bool {
        let url = URL(fileURLWithPath: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "-C", url.deletingLastPathComponent().path, "ls-files", "--error-unmatch", "--",
            url.lastPathComponent,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
