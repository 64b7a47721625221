import Foundation
import MailferryCore
import TestSupport
import Testing

@testable import JobSpec

/// `schemas/job.schema.json` and the validator agree: every example job passes both, every invalid
/// fixture fails both. The schema is checked with Python's `jsonschema` (as editors would check it).
@Suite("Job schema, examples and invalid fixtures")
struct JobSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schema = repository.appendingPathComponent("schemas/job.schema.json").path

    static func yamlFiles(in folder: String) -> [String] {
        let directory = repository.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { directory.appendingPathComponent($0).path }
    }

    static let examples = yamlFiles(in: "jobs")
    static let invalidFixtures = yamlFiles(in: "Tests/JobSpecTests/Fixtures/invalid")

    @Test func thereAreExamplesAndFixtures() {
        #expect(Self.examples.count == 4)
        #expect(Self.invalidFixtures.count >= 15)
    }

    @Test func everyExampleValidatesWithoutErrorsOrWarnings() {
        for path in Self.examples {
            let result = JobLoader(gitTrackedCheck: { _ in true }).load(jobFile: path)
            #expect(result.diagnostics.isEmpty, "\(path):\n\(result.listing)")
            #expect(result.job != nil, "\(path)")
            #expect(result.job?.accounts.isEmpty == false, "\(path)")
        }
    }

    @Test func everyExampleStartsWithTheSchemaLine() throws {
        for path in Self.examples {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema=../schemas/job.schema.json\n"), "\(path)")
        }
    }

    @Test func everyExampleMatchesTheSchema() throws {
        let verdicts = try SchemaChecker.check(Self.examples, against: Self.schema)
        for path in Self.examples {
            let verdict = try #require(verdicts[path], "no verdict for \(path)")
            #expect(verdict.valid, "\(path): \(verdict.errors)")
        }
    }

    @Test func everyInvalidFixtureFailsTheSchemaAndTheValidator() throws {
        let verdicts = try SchemaChecker.check(Self.invalidFixtures, against: Self.schema)
        for path in Self.invalidFixtures {
            let verdict = try #require(verdicts[path], "no verdict for \(path)")
            #expect(!verdict.valid, "schema accepts \(path)")

            let text = try String(contentsOfFile: path, encoding: .utf8)
            let expected = try #require(
                text.split(separator: "\n").first { $0.hasPrefix("# expect: ") }?.dropFirst("# expect: ".count),
                "\(path) needs a '# expect: ' line")
            let result = JobLoader(gitTrackedCheck: { _ in false }).load(jobFile: path)
            #expect(result.job == nil, "validator accepts \(path)")
            let located = result.errors.filter { $0.location?.file == path && $0.message.contains(expected) }
            #expect(located.count == 1, "\(path): expected an error containing '\(expected)'; got:\n\(result.listing)")
        }
    }

    /// The schema and the validator know the same keys in every section.
    @Test func schemaKeysMatchValidatorKeys() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.schema))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        func keys(_ path: [String]) -> Set<String> {
            var node: Any? = root
            for step in path { node = ((node as? [String: Any])?[step]) }
            return Set(((node as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        let definitions = ["definitions"]
        #expect(keys([]) == Set(JobFileChecker.rootKeys))
        #expect(keys(["properties", "source"]) == Set(JobFileChecker.sourceKeys))
        #expect(keys(["properties", "source", "properties", "ports"]) == Set(JobFileChecker.portKeys))
        #expect(keys(definitions + ["tls"]) == Set(JobFileChecker.tlsKeys))
        #expect(keys(definitions + ["admin"]) == Set(JobFileChecker.adminKeys))
        #expect(keys(["properties", "destination"]) == Set(JobFileChecker.destinationKeys))
        #expect(keys(["properties", "destination", "properties", "imap"]) == Set(JobFileChecker.imapDestinationKeys))
        #expect(keys(["properties", "destination", "properties", "maildir"]) == Set(JobFileChecker.maildirKeys))
        #expect(keys(["properties", "folders"]) == Set(JobFileChecker.folderKeys))
        #expect(keys(["properties", "users"]) == Set(JobFileChecker.usersKeys))
        #expect(keys(["properties", "options"]) == Set(JobFileChecker.optionKeys))
        #expect(keys(definitions + ["auth"]) == Set(JobFileChecker.authKeys))
        #expect(keys(definitions + ["auth", "properties", "oauth2"]) == Set(JobFileChecker.oauth2Keys))
        let oauth2 = definitions + ["auth", "properties", "oauth2", "properties"]
        #expect(keys(oauth2 + ["client_credentials"]) == Set(JobFileChecker.clientCredentialsKeys))
        #expect(keys(oauth2 + ["service_account"]) == Set(JobFileChecker.serviceAccountKeys))
    }

    @Test func schemaIsDraft07AndClosed() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.schema))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
        #expect(object["additionalProperties"] as? Bool == false)
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["version", "name", "source", "destination", "folders", "users", "options"])
    }
}

/// Runs the schema check in Python with `jsonschema` and PyYAML. Dates stay strings, as YAML 1.2
/// language servers read them.
enum SchemaChecker {
    struct Verdict: Decodable {
        var file: String
        var valid: Bool
        var errors: [String]
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static let script = """
        import sys, json, yaml, jsonschema
        class Loader(yaml.SafeLoader): pass
        Loader.yaml_implicit_resolvers = {k: [(t, r) for t, r in v if t != 'tag:yaml.org,2002:timestamp'] for k, v in Loader.yaml_implicit_resolvers.items()}
        validator = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
        for path in sys.argv[2:]:
            errors = [e.message for e in validator.iter_errors(yaml.load(open(path), Loader=Loader))]
            print(json.dumps({"file": path, "valid": not errors, "errors": errors}))
        """

    /// The first of `python3` (on PATH) and `/usr/bin/python3` that has both modules.
    static func python() throws -> [String] {
        for candidate in [["/usr/bin/env", "python3"], ["/usr/bin/python3"]] {
            if let (status, _) = try? run(candidate + ["-c", "import jsonschema, yaml"]), status == 0 {
                return candidate
            }
        }
        throw Unavailable(
            description: "no python3 with the jsonschema and yaml modules; run scripts/install-dependencies "
                + "(Debian: apt-get install python3-jsonschema python3-yaml)")
    }

    static func check(_ files: [String], against schema: String) throws -> [String: Verdict] {
        let (status, output) = try run(python() + ["-c", script, schema] + files)
        guard status == 0 else { throw Unavailable(description: "schema check failed (exit \(status)):\n\(output)") }
        var verdicts: [String: Verdict] = [:]
        for line in output.split(separator: "\n") {
            let verdict = try JSONDecoder().decode(Verdict.self, from: Data(line.utf8))
            verdicts[verdict.file] = verdict
        }
        return verdicts
    }

    private static func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return (process.waitForEnd().code, String(decoding: data, as: UTF8.self))
    }
}
