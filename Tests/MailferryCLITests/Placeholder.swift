// Tests for MailferryCLI go here.
