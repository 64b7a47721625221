import Foundation
import TestSupport
import Testing

/// The built `mailferry` executable (from `swift build --build-tests`), run as a child process.
struct MailferryBinary {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let url: URL

    /// Next to the test bundle in the products folder, or `.build/debug/mailferry` of this package.
    /// `MAILFERRY_BINARY` overrides both.
    static func locate() throws -> MailferryBinary {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["MAILFERRY_BINARY"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent("mailferry"))
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent("mailferry"))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("mailferry"))
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("mailferry"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/mailferry"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let binary = try #require(
            found, "mailferry binary not found (tried \(candidates.map(\.path))); run `swift build --build-tests` first"
        )
        return MailferryBinary(url: binary)
    }

    /// The package folder, from this source file's path (Tests/MailferryCLITests/Support/…).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs mailferry with `arguments` in `directory` to its end, waiting on a thread of its own so
    /// that a test never blocks one of the cooperative pool's few threads (see offCooperativePool).
    func run(_ arguments: [String], in directory: URL? = nil, environment extra: [String: String] = [:]) async throws
        -> Outcome
    {
        let binary = self
        return try await offCooperativePool { try binary.runBlocking(arguments, in: directory, environment: extra) }
    }

    /// `run`, blocking the calling thread; stdout and stderr go through files, so large outputs
    /// cannot fill a pipe and block the child.
    func runBlocking(_ arguments: [String], in directory: URL? = nil, environment extra: [String: String] = [:])
        throws -> Outcome
    {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mailferry-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NO_COLOR")
        environment.merge(extra) { _, new in new }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        let end = process.waitForEnd()
        try outHandle.close()
        try errHandle.close()
        return Outcome(
            status: end.code,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Starts mailferry with `arguments` in the background, stdout and stderr appended to `outputPath`
    /// (created if missing); the caller waits for the process.
    func start(_ arguments: [String], environment extra: [String: String], outputPath: String) throws -> Process {
        if !FileManager.default.fileExists(atPath: outputPath) {
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        output.seekToEndOfFile()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try output.close()
        return process
    }
}
