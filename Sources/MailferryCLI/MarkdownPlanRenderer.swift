import MailferryCore

/// A plan for a pull-request comment: a summary table first, then one collapsible section per
/// user. GitHub refuses comments over 65,536 characters, so the output stays under `limit`:
/// when the next user section would not fit, the remaining users are left out with a note.
struct MarkdownPlanRenderer {
    static let defaultLimit = 65_000

    /// Upper bound on the output, counted in UTF-8 bytes (never fewer than characters).
    var limit = Self.defaultLimit

    // A plan is printed in pieces (`PlanOutput`): the header, then as many users' `section`s as fit
    // (`sectionsThatFit`), then the truncation note when some did not.

    /// The job, the summary table and the job's duration under the limits; `plan` is the plan's head,
    /// whose summary counts the users.
    func header(_ plan: MigrationPlan) -> String {
        let selected = plan.summary.users
        var text = "## mailferry plan: \(code(plan.job.name))\n\n"
        text += "Job file \(code(plan.job.file)), digest \(code(String(plan.job.digest.prefix(12)))).\n"
        if let usersFile = plan.job.usersFile, let mailboxes = plan.job.mailboxes {
            text +=
                "Users file \(code(usersFile)): \(mailboxes) \(mailboxes == 1 ? "mailbox" : "mailboxes"), "
                + "\(selected) selected.\n"
        }
        if let shard = plan.shard { text += PlanNotes.shard(shard, users: selected) + "\n" }
        if plan.offline {
            text +=
                "Offline plan: no server was contacted; each user lists the source endpoints in the order "
                + "they are tried and the job's folder rules.\n"
        }
        for side in ["source", "destination"] {
            if let method = plan.signIn?[side] { text += "Sign-in \(side): \(code(method)).\n" }
        }
        text += "\n" + summaryTable(plan.summary) + "\n"
        if let estimate = plan.durationUnderLimits {
            text +=
                "Under the limits the job takes at least **\(LimitDurationText.duration(seconds: estimate.seconds))** "
                + "(\(LimitDurationText.jobBinding(estimate)): \(LimitDurationText.sentence(estimate))).\n\n"
        }
        return text
    }

    /// How many of the sections, of these lengths in UTF-8 bytes and in the plan's order, fit under
    /// `limit` after a header of `headerLength`: once one does not, neither do the ones after it.
    func sectionsThatFit(headerLength: Int, sectionLengths: [Int]) -> Int {
        var written = headerLength
        for (index, length) in sectionLengths.enumerated() {
            // Room for the note about the users after this one, should they not fit.
            let remainingAfter = sectionLengths.count - index - 1
            let reserve = remainingAfter > 0 ? truncationNote(remainingAfter).utf8.count : 0
            if written + length + reserve > limit { return index }
            written += length
        }
        return sectionLengths.count
    }

    func truncationNote(_ count: Int) -> String {
        "\n> **\(count) \(count == 1 ? "user" : "users") left out** to keep this comment under GitHub's size limit; "
            + "run `mailferry plan --format json` for the full plan.\n"
    }

    private func summaryTable(_ summary: PlanSummary) -> String {
        """
        | users | unreachable | folders to create | to update | unchanged | to skip | messages to copy | size |
        |---:|---:|---:|---:|---:|---:|---:|---:|
        | \(summary.users) | \(summary.usersUnreachable) | \(summary.foldersToCreate) | \(summary.foldersToUpdate) \
        | \(summary.foldersUnchanged) | \(summary.foldersSkipped) | \(summary.messagesToCopy) \
        | \(ByteCountText.format(summary.bytesToCopy)) |

        """ + deletionLine(summary)
    }

    private func deletionLine(_ summary: PlanSummary) -> String {
        guard summary.messagesToDelete + summary.messagesKeptDeleted > 0 else { return "" }
        return "\n\(summary.messagesToDelete) messages to delete (gone from the source), "
            + "\(summary.messagesKeptDeleted) kept deleted (deleted on the destination since the last sync).\n"
    }

    func section(_ user: UserPlan) -> String {
        let mark = user.status == .unreachable ? "! " : ""
        let folderCount = user.folders.count == 1 ? "1 folder row" : "\(user.folders.count) folder rows"
        var text =
            "<details><summary>\(mark)<code>\(html(user.sourceUser))</code> → "
            + "<code>\(html(user.destinationUser))</code> (\(user.status.rawValue), \(folderCount))</summary>\n\n"
        if let error = user.error { text += "**Unreachable:** \(cell(error))\n\n" }
        if let inbox = user.endpoint.inbox { text += "- INBOX via \(code(inbox))\n" }
        if let folders = user.endpoint.folders {
            text += "- folders via \(code(folders))\n"
        } else if user.endpoint.inbox != nil {
            text += "- folders: none; \(PlanNotes.inboxOnly)\n"
        }
        if !user.candidates.isEmpty { text += "- tries \(user.candidates.map(code).joined(separator: ", "))\n" }
        if user.syncBaseline == false { text += "- sync state: none; \(PlanNotes.noSyncBaseline)\n" }
        if let estimate = user.durationUnderLimits {
            text += "- under the limits: \(LimitDurationText.sentence(estimate))\n"
        }
        if !user.folders.isEmpty {
            text += "\n| | source | destination | action | reason | to copy | size | present | flags |\n"
            text += "|---|---|---|---|---|---:|---:|---:|---:|\n"
            for folder in user.folders {
                let glyph = folder.action.glyph == " " ? "" : "`\(folder.action.glyph)`"
                text +=
                    "| \(glyph) | \(cell(code(folder.source))) | \(folder.destination.map { cell(code($0)) } ?? "") "
                let reason = ([folder.reason] + PlanNotes.deletions(folder)).joined(separator: "; ")
                text += "| \(folder.action.rawValue) | \(cell(reason)) | \(folder.messagesToCopy) "
                text +=
                    "| \(ByteCountText.format(folder.bytesToCopy)) | \(folder.messagesPresent) | \(folder.flagsToUpdate) |\n"
            }
        }
        return text + "\n</details>\n\n"
    }

    /// A code span that survives backticks inside the text.
    private func code(_ text: String) -> String {
        var longestRun = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let padding = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + padding + text + padding + fence
    }

    /// A table cell: pipes would end the cell (even inside code spans), newlines the row.
    private func cell(_ text: String) -> String {
        text.replacingAll(of: "|", with: "\\|").replacingAll(of: "\n", with: " ")
    }

    private func html(_ text: String) -> String {
        text.replacingAll(of: "&", with: "&amp;").replacingAll(of: "<", with: "&lt;")
            .replacingAll(of: ">", with: "&gt;")
    }
}

extension String {
    fileprivate func replacingAll(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
