import MailferryCLI

await MailferryCommand.main()
