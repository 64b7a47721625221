import ArgumentParser

/// `--user SOURCE_USER...`: restrict a command to some mailboxes of the users file.
struct UserSelectionOptions: ParsableArguments {
    @Option(
        name: .customLong("user"),
        help: ArgumentHelp(
            "Only this source user (first column of the users file); repeatable.", valueName: "SOURCE_USER")
    )
    var users: [String] = []

    func validate() throws {
        if users.contains(where: { $0.isEmpty }) { throw ValidationError("--user needs a non-empty source user.") }
    }
}
