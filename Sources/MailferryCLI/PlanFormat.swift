import ArgumentParser

/// `plan --format`.
enum PlanFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Terraform-like blocks per user, actions marked `+ ~ -` and `!`.
    case text
    /// For a pull-request comment: a summary table, then collapsible per-user sections.
    case markdown
    /// The plan JSON of SPEC section 4 (schemas/plan.schema.json).
    case json
}
