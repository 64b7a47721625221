import ArgumentParser

/// The root command: thin, one subcommand per file.
public struct MailferryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mailferry",
        abstract: "Move mail from IMAP4/POP3 servers into existing mailboxes, driven by YAML job files.",
        subcommands: []
    )

    public init() {}
}
