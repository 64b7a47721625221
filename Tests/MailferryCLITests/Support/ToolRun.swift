import Foundation
import TestSupport
import Testing

/// Runs a program the tests need (the linters and validators scripts/install-dependencies puts into
/// /opt/mailferry-venv, python3, bash, chroot) and returns its exit status and combined output.
struct ToolRun {
    var status: Int32
    var output: String

    /// The virtualenv scripts/install-dependencies creates for PyPI tools.
    static let venv = "/opt/mailferry-venv/bin"

    /// `/opt/mailferry-venv/bin/<name>`; records an issue naming the fix when it is missing.
    static func venvTool(_ name: String) throws -> String {
        let path = "\(venv)/\(name)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("\(path) is missing; run scripts/install-dependencies")
            throw Missing(path: path)
        }
        return path
    }

    struct Missing: Error {
        var path: String
    }

    /// Runs `command` (an absolute path or a name looked up through /usr/bin/env) to its end, off the
    /// cooperative pool (see offCooperativePool).
    static func run(
        _ command: [String], in directory: URL? = nil, environment: [String: String] = [:], stdin: String? = nil
    ) async throws -> ToolRun {
        try await offCooperativePool {
            try runBlocking(command, in: directory, environment: environment, stdin: stdin)
        }
    }

    /// `run`, blocking the calling thread.
    static func runBlocking(
        _ command: [String], in directory: URL? = nil, environment: [String: String] = [:], stdin: String? = nil
    ) throws -> ToolRun {
        let process = Process()
        if command[0].hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
        }
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mailferry-tool-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let end = process.waitForEnd()
        try handle.close()
        return ToolRun(
            status: end.code, output: String(decoding: try Data(contentsOf: output), as: UTF8.self))
    }

    /// A YAML file read by python3's yaml module and printed back as JSON (every document, in order).
    static func yamlDocuments(_ path: String) throws -> [Any] {
        let script = "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))"
        let result = try runBlocking(["python3", "-c", script, path])
        guard result.status == 0 else {
            Issue.record("python3 could not read \(path) as YAML: \(result.output)")
            throw Missing(path: path)
        }
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [Any])
    }
}
