import ArgumentParser

/// `verify --format`.
enum VerifyFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Per user a verdict line and one line per difference, then a summary line.
    case text
    /// The manifest document (schemas/verify.schema.json).
    case json
}
