import ArgumentParser
import Foundation
import MailferryCore

/// The root command: thin, one subcommand per file.
public struct MailferryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mailferry",
        abstract: "Move mail from IMAP4/POP3 servers into existing mailboxes, driven by YAML job files.",
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, StatusCommand.self, LogsCommand.self,
            InitCommand.self, SchemaCommand.self,
            VerifyCommand.self, ReportCommand.self,  // issue 21
        ]
    )

    public init() {}

    /// Runs the command line and exits. Unlike ArgumentParser's `main()` (64, EX_USAGE), unusable
    /// arguments exit with 1 as SPEC section 1 requires; commands report their outcome by throwing
    /// `ExitCode`. (Named apart from `main()`: an overload would lose to ArgumentParser's sync one.)
    public static func runAndExit(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        let console = Console()
        do {
            var command = try parseAsRoot(WatchArgument.normalized(arguments))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(ExitCode.success.rawValue)
        } catch let exitCode as ExitCode {
            Foundation.exit(exitCode.rawValue)
        } catch let error as any UserFacingError {
            console.writeError("mailferry: error: \(error.userMessage)\n")
            Foundation.exit(ExitCode.failure.rawValue)
        } catch {
            let message = fullMessage(for: error)
            if exitCode(for: error) == .success {
                if !message.isEmpty { console.write(message + "\n") }
                Foundation.exit(ExitCode.success.rawValue)
            }
            console.writeError(message + "\n")
            Foundation.exit(ExitCode.failure.rawValue)
        }
    }
}
