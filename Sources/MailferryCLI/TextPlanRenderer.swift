import MailferryCore

/// A plan for a terminal, Terraform-like: a block per user, a line per folder marked with the
/// action's glyph (`+` create, `~` update, `x` deletes messages, blank no-op, `-` skip), `!` for an unreachable user,
/// and a summary line with counts per action.
struct TextPlanRenderer {
    var style: TerminalStyle

    init(colors: Bool) {
        style = TerminalStyle(enabled: colors)
    }

    // A plan is printed in pieces (`PlanOutput`): the header, each user's `piece`, the footer.

    /// The job, and how the users sign in; `plan` is the plan's head, whose summary counts the users.
    func header(_ plan: MigrationPlan) -> String {
        var text = style.bold("Plan for job \(plan.job.name) (\(plan.job.file))") + "\n"
        let selected = plan.summary.users
        if let line = plan.job.mailboxCountLine { text += line + ", \(selected) selected\n" }
        if let shard = plan.shard { text += PlanNotes.shard(shard, users: selected) + "\n" }
        if plan.offline {
            text += "Offline: no server was contacted. Each user shows the source endpoints in the order they\n"
            text += "are tried and the job's folder rules; online planning shows the folders that will change.\n"
        }
        for side in ["source", "destination"] {
            if let method = plan.signIn?[side] { text += "Sign-in \(side): \(method)\n" }
        }
        return text
    }

    func piece(_ user: UserPlan) -> String {
        "\n" + render(user)
    }

    /// The summary line and the job's duration under the limits.
    func footer(_ plan: MigrationPlan) -> String {
        var text = plan.summary.users == 0 ? "\nNo users selected.\n" : ""
        text += "\n" + summaryLine(plan.summary) + "\n"
        if let estimate = plan.durationUnderLimits {
            text +=
                "Under the limits the job takes at least \(LimitDurationText.duration(seconds: estimate.seconds)) "
                + "(\(LimitDurationText.jobBinding(estimate)): \(LimitDurationText.sentence(estimate))).\n"
        }
        return text
    }

    func render(_ user: UserPlan) -> String {
        let heading = "\(user.sourceUser) -> \(user.destinationUser) (\(user.status.rawValue))"
        if user.status == .unreachable {
            var text = style.red("! \(heading)") + "\n"
            if let error = user.error { text += "    \(error)\n" }
            return text
        }
        var text = style.bold("  # \(heading)") + "\n"
        if let inbox = user.endpoint.inbox { text += "      INBOX via   \(inbox)\n" }
        if let folders = user.endpoint.folders {
            text += "      folders via \(folders)\n"
        } else if user.endpoint.inbox != nil {
            text += "      folders     none: \(PlanNotes.inboxOnly)\n"
        }
        if !user.candidates.isEmpty { text += "      tries       \(user.candidates.joined(separator: ", "))\n" }
        if user.syncBaseline == false { text += "      sync state  none: \(PlanNotes.noSyncBaseline)\n" }
        if let estimate = user.durationUnderLimits {
            text += "      limits      \(LimitDurationText.sentence(estimate))\n"
        }
        for folder in user.folders {
            text += folderLine(folder) + "\n"
        }
        return text
    }

    private func folderLine(_ folder: FolderPlan) -> String {
        var line = "    \(folder.action.glyph) \(folder.source)"
        if let destination = folder.destination, folder.action != .skip { line += " -> \(destination)" }
        var details = [folder.reason]
        if folder.messagesToCopy > 0 {
            details.append("\(folder.messagesToCopy) to copy, \(ByteCountText.format(folder.bytesToCopy))")
        }
        if folder.flagsToUpdate > 0 { details.append("\(folder.flagsToUpdate) flag updates") }
        if folder.messagesPresent > 0 { details.append("\(folder.messagesPresent) present") }
        if folder.messagesSkipped > 0 { details.append("\(folder.messagesSkipped) left out") }
        details += PlanNotes.deletions(folder)
        line += "  (\(details.joined(separator: "; ")))"
        switch folder.action {
        case .create: return style.green(line)
        case .update: return style.yellow(line)
        case .delete: return style.red(line)
        case .skip: return style.red(line)
        case .noop: return line
        }
    }

    func summaryLine(_ summary: PlanSummary) -> String {
        var line = "Plan: \(summary.users) \(summary.users == 1 ? "user" : "users")"
        if summary.usersUnreachable > 0 { line += " (\(summary.usersUnreachable) unreachable)" }
        line += ", \(summary.foldersToCreate) to create, \(summary.foldersToUpdate) to update,"
        line += " \(summary.foldersUnchanged) unchanged, \(summary.foldersSkipped) to skip;"
        line += " \(summary.messagesToCopy) messages (\(ByteCountText.format(summary.bytesToCopy))) to copy,"
        line += " \(summary.flagsToUpdate) flag updates"
        if summary.messagesToDelete > 0 { line += ", \(summary.messagesToDelete) to delete" }
        if summary.messagesKeptDeleted > 0 { line += ", \(summary.messagesKeptDeleted) kept deleted" }
        line += "."
        return style.bold(line)
    }
}
