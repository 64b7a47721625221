import MailferryCore

/// Checks that span several job files validated together.
public enum JobSetChecks {
    /// Job names must be unique: state lives under `.mailferry/<job name>/`, so two jobs with one name
    /// would share it. One error per later file, at its `name:` value (line 1 for a derived name).
    public static func uniqueNames(_ results: [JobLoadResult]) -> [Diagnostic] {
        var firstFile: [String: String] = [:]
        var diagnostics: [Diagnostic] = []
        for result in results {
            guard let name = result.job?.name ?? result.jobName else { continue }
            if let earlier = firstFile[name] {
                let location = result.nameLocation ?? SourceLocation(file: result.jobFile, line: 1, column: 1)
                let derived = result.nameLocation == nil ? " (derived from the same path)" : ""
                diagnostics.append(
                    .error(
                        "job name '\(name)'\(derived) is already used by \(earlier); job names must be unique "
                            + "because each job keeps its state under its name", at: location))
            } else {
                firstFile[name] = result.jobFile
            }
        }
        return diagnostics.sortedForOutput()
    }
}
