import ArgumentParser

/// `--state-dir DIR`: where the run state lives instead of `<job folder>/.mailferry/<job name>/`.
struct StateDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("State folder (default: .mailferry/<job name>/ next to the job file).", valueName: "DIR")
    )
    var stateDirectory: String?

    func validate() throws {
        if stateDirectory?.isEmpty == true { throw ValidationError("--state-dir needs a folder path.") }
    }
}
