import Foundation
import MailferryCore

/// What `apply --plan PLAN.json` needs of a plan: its format version, the job and digest it was
/// made for, its shard, and which users it lists. Decoding only these, not every folder row, saves
/// 14 MiB on a plan of 10,000 users; the file and the decoder's index of it are still held whole
/// (`bench/RESULTS.md`, P4).
struct PlanSelection: Decodable {
    struct User: Decodable {
        var sourceUser: String

        enum CodingKeys: String, CodingKey {
            case sourceUser = "source_user"
        }
    }

    var formatVersion: Int
    var job: MigrationPlan.JobReference
    var shard: MigrationPlan.Shard?
    var users: [User]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case job, shard, users
    }

    /// The plan file at `path`, refused when it is not a plan of this format version.
    static func read(_ path: String) throws(CLIError) -> PlanSelection {
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotRead(path) }
        let plan: PlanSelection
        do {
            plan = try JSONDecoder().decode(PlanSelection.self, from: data)
        } catch {
            throw .unreadablePlan(path, reason: "not a mailferry plan JSON (write one with `mailferry plan --out`)")
        }
        guard plan.formatVersion == MigrationPlan.currentFormatVersion else {
            throw .unreadablePlan(
                path, reason: "format_version \(plan.formatVersion) is not supported by this mailferry")
        }
        return plan
    }
}
