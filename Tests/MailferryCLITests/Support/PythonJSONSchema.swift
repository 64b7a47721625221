import Foundation
import TestSupport
import Testing

/// Validates JSON documents against a draft-07 schema with Python's `jsonschema` package
/// (Debian: python3-jsonschema, installed by scripts/install-dependencies).
struct PythonJSONSchema {
    let python: [String]

    /// The first python3 that can import jsonschema: `MAILFERRY_PYTHON`, the one on PATH, /usr/bin/python3.
    static func locate() throws -> PythonJSONSchema {
        var candidates: [[String]] = []
        if let override = ProcessInfo.processInfo.environment["MAILFERRY_PYTHON"] { candidates.append([override]) }
        candidates.append(["/usr/bin/env", "python3"])
        candidates.append(["/usr/bin/python3"])
        for candidate in candidates where (try? run(candidate + ["-c", "import jsonschema"]).status) == 0 {
            return PythonJSONSchema(python: candidate)
        }
        Issue.record(
            "no python3 with the jsonschema module found; run scripts/install-dependencies (python3-jsonschema)")
        throw LocateError.notFound
    }

    enum LocateError: Error { case notFound }

    /// Returns nil when `document` is valid against `schemaPath`, else the validator's message.
    func errors(validating document: String, against schemaPath: String) throws -> String? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mailferry-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let documentURL = folder.appendingPathComponent("document.json")
        try Data(document.utf8).write(to: documentURL)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft7Validator.check_schema(schema)
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[2]))), key=str)
            for error in errors:
                print(list(error.absolute_path), error.message)
            sys.exit(1 if errors else 0)
            """
        let result = try Self.run(python + ["-c", script, schemaPath, documentURL.path])
        return result.status == 0 ? nil : result.output
    }

    private static func run(_ command: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return (process.waitForEnd().code, String(decoding: data, as: UTF8.self))
    }
}
