import ArgumentParser

/// `apply --format` and `status --format`.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// A table, one row per user, and a summary line.
    case text
    /// One JSON document (docs/outputs.md).
    case json
}
