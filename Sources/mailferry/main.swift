import MailferryCLI

await MailferryCommand.runAndExit()
