import ArgumentParser

/// `report --format`.
enum ReportDocumentFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// One self-contained page, logs included as downloads.
    case html
    /// For a ticket or pull request.
    case markdown
    /// schemas/report.schema.json.
    case json
}
