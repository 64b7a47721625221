import Engine
import MailferryCore

/// `verify`'s text output: per user a verdict, then one line per missing, different, extra and
/// skipped message and per skipped folder; a summary line at the end. Colors only on a terminal.
struct VerifyTextRenderer {
    var style: TerminalStyle

    init(colors: Bool) {
        style = TerminalStyle(enabled: colors)
    }

    // A verification is printed in pieces (`VerifyOutput`): the header, each user's `piece`, the footer.

    func header(jobName: String, deep: Bool) -> String {
        "Verification of job \(jobName)\(deep ? " (deep: bodies compared by SHA-256)" : "")\n"
    }

    func piece(_ user: UserVerification) -> String {
        "\n" + render(user)
    }

    func footer(_ tally: VerificationTally) -> String {
        "\n" + Self.summaryLine(tally) + "\n"
    }

    func render(_ user: UserVerification) -> String {
        let heading = "\(user.sourceUser) -> \(user.destinationUser): "
        guard let verification = user.verification else {
            return style.red(heading + "error: \(user.errorMessage ?? "unknown")") + "\n"
        }
        let present = verification.count(.present)
        let missing = verification.count(.missing)
        let different = verification.count(.different)
        let skipped = verification.count(.skipped)
        let folders = verification.folders.filter { !$0.mapping.isSkipped }.count
        var text: String
        if verification.isComplete {
            text =
                style.green(
                    heading + "complete: \(present) \(present == 1 ? "message" : "messages") in \(folders) "
                        + "\(folders == 1 ? "folder" : "folders") present") + "\n"
        } else {
            text =
                style.yellow(
                    heading + "\(missing) missing, \(different) different, "
                        + "\(verification.extra.filter { !$0.movedOnDestination }.count) extra; "
                        + "\(present) present") + "\n"
        }
        for folder in verification.folders where folder.mapping.isSkipped {
            text += "  skipped folder \(folder.mapping.source.path): \(folder.mapping.reason)\n"
        }
        for check in verification.messages {
            let place = "\(check.sourceFolder) uid \(check.sourceUID)"
            switch check.status {
            case .present: continue
            case .missing:
                text +=
                    "  missing    \(place) \(check.identity) -> not in \(check.destinationFolder?.description ?? "-")\n"
            case .different:
                let details = check.differences.map(\.description).joined(separator: "; ")
                text +=
                    "  different  \(place) \(check.identity) -> \(check.destinationFolder?.description ?? "-") "
                    + "uid \(check.destinationUID.map(String.init) ?? "-"): \(details)\n"
            case .skipped:
                text += "  skipped    \(place) \(check.identity): \(check.skipReason ?? "")\n"
            case .deletedOnDestination:
                text += "  deleted    \(place) \(check.identity): deleted on the destination since the last sync\n"
            }
        }
        for extra in verification.extra {
            text +=
                "  extra      \(extra.folder) uid \(extra.uid) \(extra.identity): "
                + (extra.movedOnDestination
                    ? "moved here on the destination by its user\n" : "on the destination only\n")
        }
        if skipped > 0 { text += "  (\(skipped) skipped by the job's filters, not expected on the destination)\n" }
        let deleted = verification.count(.deletedOnDestination)
        if deleted > 0 {
            text += "  (\(deleted) deleted on the destination by its user since the last sync, not expected there)\n"
        }
        return text
    }

    /// `3 users: 1 complete, 1 with differences, 1 error.`
    static func summaryLine(_ tally: VerificationTally) -> String {
        let complete = tally[.complete]
        let differences = tally[.differences]
        let errors = tally[.error]
        return "\(tally.users) \(tally.users == 1 ? "user" : "users"): \(complete) complete, "
            + "\(differences) with differences, \(errors) \(errors == 1 ? "error" : "errors")."
    }
}
