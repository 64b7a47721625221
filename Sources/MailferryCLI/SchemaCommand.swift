import ArgumentParser

/// `mailferry schema`: the job-file JSON Schema, for editors and CI (same bytes as schemas/job.schema.json).
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the job-file JSON Schema (draft-07), as in schemas/job.schema.json."
    )

    func run() async throws {
        Console().write(JobSchema.text)
    }
}
