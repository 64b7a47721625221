import Foundation

/// Whether git tracks a file. Users files hold passwords and belong outside version control.
enum GitTrackedCheck {
    /// Runs `git ls-files --error-unmatch` in the file's folder (read-only). `git` is looked up in the
    /// given environment's PATH, then in the usual places; without git nothing counts as tracked.
    static func usingGit(environment: [String: String]) -> @Sendable (String) -> Bool {
        let searchPath =
            (environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin", "/bin", "/opt/homebrew/bin"]
        let git = searchPath.map { ($0 as NSString).appendingPathComponent("git") }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        return { path in
            guard let git else { return false }
            let url = URL(fileURLWithPath: path)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: git)
            process.arguments = ["ls-files", "--error-unmatch", "--", url.lastPathComponent]
            process.currentDirectoryURL = url.deletingLastPathComponent()
            process.environment = environment
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
}
