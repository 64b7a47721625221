import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

/// schemas/plan.schema.json documents the plan JSON exactly as MigrationPlan encodes it.
@Suite struct PlanSchemaTests {
    private var schemaPath: String {
        MailferryBinary.packageRoot.appendingPathComponent("schemas/plan.schema.json").path
    }

    @Test func fullPlanValidates() throws {
        let validator = try PythonJSONSchema.locate()
        let errors = try validator.errors(validating: try StableJSON.encode(PlanSamples.fullPlan), against: schemaPath)
        #expect(errors == nil)
    }

    @Test func offlinePlanValidates() throws {
        let validator = try PythonJSONSchema.locate()
        let job = PlanSamples.job()
        let plan = OfflinePlanner(job: job).planned(accounts: job.accounts, digest: String(repeating: "0", count: 64))
        #expect(try validator.errors(validating: try StableJSON.encode(plan), against: schemaPath) == nil)
    }

    @Test func schemaRejectsUnknownKeysAndActions() throws {
        let validator = try PythonJSONSchema.locate()
        let json = try StableJSON.encode(PlanSamples.fullPlan)
        let unknownAction = json.replacingOccurrences(of: "\"action\" : \"create\"", with: "\"action\" : \"copy\"")
        #expect(unknownAction != json)
        #expect(try validator.errors(validating: unknownAction, against: schemaPath) != nil)
        let extraKey = json.replacingOccurrences(of: "\"offline\" :", with: "\"timestamp\" : 1, \"offline\" :")
        #expect(extraKey != json)
        #expect(try validator.errors(validating: extraKey, against: schemaPath) != nil)
    }
}
