import Foundation
import Testing

@testable import MailferryCLI

@Suite struct JobSchemaTests {
    /// `mailferry schema` must print schemas/job.schema.json byte for byte;
    /// scripts/generate-job-schema-swift regenerates JobSchema.swift when the schema changes.
    @Test func embeddedSchemaMatchesTheFile() throws {
        let url = MailferryBinary.packageRoot.appendingPathComponent("schemas/job.schema.json")
        let file = try String(contentsOf: url, encoding: .utf8)
        #expect(JobSchema.text == file, "run scripts/generate-job-schema-swift")
    }
}
