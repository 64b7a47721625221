import Foundation
import Testing

/// `mailferry schema`, run as the built binary.
@Suite struct SchemaCommandTests {
    @Test func printsTheJobSchemaFile() async throws {
        let result = try await MailferryBinary.locate().run(["schema"])
        #expect(result.status == 0)
        let file = try String(
            contentsOf: MailferryBinary.packageRoot.appendingPathComponent("schemas/job.schema.json"), encoding: .utf8)
        #expect(result.stdout == file)
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(schema["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
    }
}
