import JobSpec
import MailferryCore

/// `validate`'s line per job saying how many mailboxes its users file yields, so that a users file
/// that lost lines (a spreadsheet export read wrongly, a filter left on) shows before a migration.
/// A note, not a diagnostic: `--strict` leaves it alone and it never changes the exit status.
struct MailboxCountNote: Equatable {
    var usersFile: String
    var jobFile: String
    var mailboxes: Int
    /// Lines of the users file with errors, which yield no mailbox.
    var linesWithErrors: Int

    init?(_ result: JobLoadResult) {
        guard let usersFile = result.usersFile, let mailboxes = result.mailboxCount else { return nil }
        self.usersFile = usersFile
        self.jobFile = result.jobFile
        self.mailboxes = mailboxes
        linesWithErrors =
            Set(
                result.diagnostics.compactMap { diagnostic in
                    diagnostic.severity == .error && diagnostic.location?.file == usersFile
                        ? diagnostic.location?.line : nil
                }
            ).count
    }

    var message: String {
        let count = "\(mailboxes) \(mailboxes == 1 ? "mailbox" : "mailboxes")"
        let errors =
            linesWithErrors == 0
            ? "" : ", not counting \(linesWithErrors) \(linesWithErrors == 1 ? "line" : "lines") with errors"
        return "\(count)\(errors) (job \(jobFile))"
    }

    /// `users/batch-1.csv: note: 3 mailboxes (job jobs/batch-1.yaml)`, as compilers print notes.
    func text(style: TerminalStyle) -> String {
        "\(style.bold("\(usersFile):")) \(style.bold("note:")) \(message)\n"
    }

    /// A GitHub Actions notice on the users file.
    var github: String {
        "::notice file=\(GitHubDiagnosticRenderer.escapeProperty(usersFile))::"
            + GitHubDiagnosticRenderer.escapeData("\(usersFile): \(message)") + "\n"
    }
}
